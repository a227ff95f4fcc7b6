"""``python -m handlerbench``: the commands, and the exit policy every one of them follows.

A ``HandlerbenchError`` is one line on stderr and its exit status (2 for a
usage error, 1 otherwise); Ctrl-C and SIGTERM end the run at once; an error
nobody foresaw is one line too, asking for a report. ``--debug`` anywhere
on the command line shows the traceback instead, and reaches pyperf's
workers.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from handlerbench.errors import (
    PROG,
    DeadlineExceeded,
    HandlerbenchError,
    Terminated,
    UsageError,
    error_line,
    internal_error_line,
)

USAGE = f"""\
usage: {PROG} COMMAND [options]

Measure what Django's request handlers cost, in-process.

commands:
  run [SCENARIO ...]   time scenarios with pyperf and print a table
                       (no scenario: the four without middleware; or give the
                       axes: --handler, --stack, --view; --concurrency N,N)
  transitions [SCENARIO ...]
                       count and name every sync/async hop of one request
                       (no scenario: hello world, stacks none/default/default-fixed)
  profile SCENARIO     cProfile (or pyinstrument) of N requests: the top functions
  explain [SCENARIO ...]
                       where an ASGI request's time goes: Django's own work, the
                       per-request context and threads, each hop, the rest
  soak SCENARIO ...    threads, open fds and RSS over --requests N (default 100000):
                       do they return to baseline or keep growing?
  list                 the stacks with their middleware, the views with what they do
  report FILE ...      one table across saved runs (e.g. results/*.json of tox -m bench)
  compare BEFORE AFTER time change and hops added/removed per scenario;
                       --max-slowdown PCT and --no-new-hops make it a CI gate
  ab A B               A against B live, in interleaved pairs of worker processes:
                       the ratio B/A with its 95% interval (--python-b: B on another
                       Python), until --precision or --budget
  served [SCENARIO ...]
                       the same scenarios through a real server on loopback
                       (uvicorn, gunicorn) beside the in-process figures

run, transitions, explain, profile, soak, ab and served also take your own project:
--settings mysite.settings --path /api/items/ (and --method, --header, --json ...).
`{PROG} COMMAND --help` describes each command's options; --debug anywhere shows
the traceback of an error instead of its one line.
"""

# Each command's module in handlerbench.cli.commands and its function, imported only when
# run: a worker on another environment's Python (ab --python-b) needs no more than its own.
COMMANDS: dict[str, str] = {
    "run": "run:main",
    "transitions": "transitions:main",
    "profile": "profile:main",
    "soak": "soak:main",
    "explain": "explain:main",
    "list": "listing:main",
    "report": "report:main",
    "compare": "compare:main",
    "ab": "ab:main",
    "served": "served:main",
}
# Commands only handlerbench itself runs (in its worker processes).
INTERNAL: dict[str, str] = {"ab-worker": "ab:worker", "explain-worker": "explain:worker"}


def command(name: str) -> Callable[[Sequence[str], bool], int] | None:
    """The function that runs command ``name``, or None if there is none."""
    where = COMMANDS.get(name) or INTERNAL.get(name)
    if where is None:
        return None
    module, _, function = where.partition(":")
    return getattr(importlib.import_module(f"handlerbench.cli.commands.{module}"), function)


def exit_with_error(prog: str, exc: HandlerbenchError) -> NoReturn:
    """Print ``exc`` as one line and exit with its status.

    After a missed deadline a thread may be stuck in a view for good, and a
    normal exit would wait for it forever: exit at once instead.
    """
    print(error_line(exc, prog), file=sys.stderr)
    if isinstance(exc, DeadlineExceeded):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exc.exit_status)
    sys.exit(exc.exit_status)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m handlerbench`` and the ``handlerbench`` script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    if debug:
        argv.remove("--debug")
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0 if argv else 2
    try:
        chosen = command(argv[0])
        if chosen is None:
            raise UsageError(f"unknown command {argv[0]!r} (choose from {', '.join(COMMANDS)})")
        return chosen(argv[1:], debug)
    except HandlerbenchError as exc:
        if debug:
            raise
        exit_with_error(PROG, exc)
    except (KeyboardInterrupt, Terminated) as exc:
        # A request stuck in a thread would keep a normal exit waiting for it.
        status = exc.exit_status if isinstance(exc, Terminated) else 130
        print(f"{PROG}: {'terminated' if status != 130 else 'interrupted'}", file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    except Exception as exc:
        if debug:
            raise
        print(internal_error_line(exc), file=sys.stderr)
        return 1
