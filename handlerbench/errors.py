"""The errors a user can act on: the CLI prints them as one line, no traceback."""


class HandlerbenchError(Exception):
    """Something in the run went wrong that the user can fix (exit status 1)."""

    exit_status = 1


class UsageError(HandlerbenchError):
    """The command line asked for something that does not exist (exit status 2)."""

    exit_status = 2
