"""``run`` and ``explain`` are pyperf programs: one pyperf ``Runner`` with handlerbench's options.

pyperf's own options (``--fast``, ``-o``, ``-p``, ``--timeout`` ...) work,
and the worker processes pyperf spawns are ``python -m handlerbench run``
(or ``explain``) with handlerbench's options forwarded, so they time
exactly what the master checked. ``--help`` shows handlerbench's options
first, then pyperf's; the options only pyperf's workers use are hidden
from it (they still work).
"""

from __future__ import annotations

import argparse
import contextlib
import io
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from handlerbench.cli.arguments import one_line_errors
from handlerbench.cli.forwarding import forwarder
from handlerbench.cli.targets import request_deadline
from handlerbench.errors import PROG
from handlerbench.passes.timing import TimingPlan
from handlerbench.results.output import pyperf_outputs

# pyperf's --timeout when none is given: a worker running longer is stopped.
WORKER_TIMEOUT = 1800
# pyperf's options that only its master passes to its workers, or that tune
# its calibration: hidden from --help.
WORKER_ONLY = (
    "--worker",
    "--worker-task",
    "--pipe",
    "--in-process",
    "--calibrate-loops",
    "--recalibrate-loops",
    "--calibrate-warmups",
    "--recalibrate-warmups",
)
PYPERF_GROUP = "pyperf (runs, values, output, statistics)"


def pyperf_program(
    argv: Sequence[str],
    command: str,
    description: str,
    add_arguments: Callable[[argparse.ArgumentParser], None],
    debug: bool,
) -> tuple[Any, TimingPlan, argparse.Namespace, float]:
    """A pyperf Runner for ``command`` (``run``, ``explain``), its timing plan, its options,
    and the deadline of one request.

    The output files are checked before pyperf parses; its workers re-run
    ``python -m handlerbench COMMAND`` (never ``sys.argv[0]``: that is a
    Jupyter kernel in a notebook) with the options forwarded.
    """
    import pyperf

    pyperf_outputs(argv)
    plan = TimingPlan()
    runner = pyperf.Runner(
        program_args=("-m", "handlerbench", command), add_cmdline_args=forwarder(plan, debug)
    )
    parser = prepared(runner.argparser, f"{PROG} {command}", description)
    parser.usage = f"{PROG} {command} [SCENARIO ...] [options]"
    add_arguments(parser)
    put_pyperf_last(parser)
    args = runner.parse_args(list(argv))
    return runner, plan, args, pyperf_defaults(args)


def prepared(parser: argparse.ArgumentParser, prog: str, description: str) -> Any:
    """pyperf's parser with one-line errors, no abbreviations, worker options hidden."""
    one_line_errors(parser)
    # No abbreviations: --out would slip past the checks of -o/--output.
    parser.allow_abbrev = False
    parser.prog = prog
    parser.description = description
    for action in parser._actions:
        if set(action.option_strings) & set(WORKER_ONLY):
            action.help = argparse.SUPPRESS
        if "--timeout" in action.option_strings:
            action.help = (
                "seconds a worker process may run before it is stopped "
                f"(default: {WORKER_TIMEOUT:g})"
            )
    return parser


def put_pyperf_last(parser: argparse.ArgumentParser) -> None:
    """Show handlerbench's option groups before pyperf's in ``--help``."""
    groups = parser._action_groups
    pyperf_groups = [g for g in groups if g.title in ("options", "optional arguments")]
    for found in pyperf_groups:
        found.title = PYPERF_GROUP
    positional = [g for g in groups if g.title == "positional arguments"]
    ours = [g for g in groups if g not in pyperf_groups and g not in positional]
    parser._action_groups = [*positional, *ours, *pyperf_groups]


def pyperf_defaults(args: argparse.Namespace) -> float:
    """Default pyperf's --timeout; the deadline of one request.

    Under ``--settings`` the workers also get the whole environment: a
    project's settings read it (secrets, DEBUG, DATABASE_URL), and workers
    without it would time other settings.
    """
    deadline = request_deadline(args)
    if args.timeout is None and not args.worker:
        args.timeout = WORKER_TIMEOUT
    if getattr(args, "settings", None):
        args.copy_env = True
    return deadline


@contextmanager
def quiet_unless_verbose(args: argparse.Namespace) -> Iterator[None]:
    """pyperf's progress and warnings hidden while inside, unless ``-v``: the table that
    follows flags an unstable figure itself (``render.runs``)."""
    if args.verbose or args.worker:
        yield
        return
    args.quiet = True
    with contextlib.redirect_stdout(io.StringIO()):
        yield
