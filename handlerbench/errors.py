"""Every error a user can act on, and the one line each becomes.

The command line prints a ``HandlerbenchError`` as ``handlerbench: error:
MESSAGE`` with no traceback, and exits with its ``exit_status``: 1 for a
runtime failure, 2 for a usage error. ``error_line`` is that line, for every
place that prints one (the command line, and the watchdogs that end a
process whose request hangs).
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager

PROG = "handlerbench"
# The environment variable naming the file a parent process (the notebook
# API) reads this process's errors and warnings from, one JSON object a line.
REPORT_FILE = "HANDLERBENCH_REPORT_FILE"


class HandlerbenchError(Exception):
    """Something in the run went wrong that the user can fix (exit status 1)."""

    exit_status = 1


class UsageError(HandlerbenchError):
    """The command line asked for something that does not exist (exit status 2)."""

    exit_status = 2


class DeadlineExceeded(HandlerbenchError):
    """A request outlived its deadline. Its thread may be stuck for good: exit, do not join."""


class Terminated(BaseException):
    """SIGTERM during a run: unwinds like Ctrl-C so temporary files go (exit 128 + 15).

    Not a KeyboardInterrupt: pyperf's master turns that into its own exit status.
    """

    def __init__(self, exit_status: int) -> None:
        super().__init__(exit_status)
        self.exit_status = exit_status


class TerminatedInLoop(Terminated, KeyboardInterrupt):
    """SIGTERM while this process runs an event loop: a KeyboardInterrupt too, the one
    exception uvloop lets through (it logs any other a signal handler raises inside its
    callbacks and carries on, which would leave the run hanging)."""


@contextmanager
def sigterm_raises(in_event_loop: bool = False) -> Iterator[None]:
    """While inside, SIGTERM raises ``Terminated`` as Ctrl-C raises KeyboardInterrupt, so
    what the block made (temporary files, worker processes) goes on the way out.

    ``in_event_loop``: the block runs an event loop in this process (``TerminatedInLoop``).
    """
    previous = signal.signal(signal.SIGTERM, _in_loop if in_event_loop else _terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _terminated(signum: int, frame: object) -> None:
    raise Terminated(128 + signum)


def _in_loop(signum: int, frame: object) -> None:
    raise TerminatedInLoop(128 + signum)


def error_line(message: object, prog: str = PROG) -> str:
    """``handlerbench: error: MESSAGE``: how every error reaches the user (and the
    parent process, if one asked: ``tell_parent``)."""
    tell_parent("error", str(message))
    return f"{prog}: error: {message}"


def warning_line(message: str) -> str:
    """``handlerbench: warning: MESSAGE``, told to the parent process too."""
    tell_parent("warning", message)
    return f"{PROG}: warning: {message}"


def internal_error_line(exc: BaseException, prog: str = PROG) -> str:
    """The one line for an exception handlerbench did not foresee."""
    return error_line(
        f"internal error, {type(exc).__name__}: {exc} (--debug shows the traceback; "
        "please report it)",
        prog,
    )


def tell_parent(kind: str, message: str) -> None:
    """Append ``message`` to the file ``REPORT_FILE`` names, if a parent process set it."""
    path = os.environ.get(REPORT_FILE)
    if not path:
        return
    try:
        with open(path, "a") as file:
            file.write(json.dumps({"kind": kind, "message": message}) + "\n")
    except OSError:
        pass
