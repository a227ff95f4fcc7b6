"""The errors a user can act on: the CLI prints them as one line, no traceback."""


class HandlerbenchError(Exception):
    """Something in the run went wrong that the user can fix (exit status 1)."""

    exit_status = 1


class UsageError(HandlerbenchError):
    """The command line asked for something that does not exist (exit status 2)."""

    exit_status = 2


class Terminated(BaseException):
    """SIGTERM during a run: unwinds like Ctrl-C so temporary files go (exit 128 + 15)."""

    def __init__(self, exit_status: int) -> None:
        super().__init__(exit_status)
        self.exit_status = exit_status
