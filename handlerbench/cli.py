"""``python -m handlerbench``: the subcommands.

``run`` is a pyperf program: pyperf's own options (``--fast``, ``-o``,
``-p``, ``--timeout`` ...) work, and the worker processes pyperf spawns are
``python -m handlerbench run`` with handlerbench's options forwarded, so
they time exactly what the master checked.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from handlerbench import report, scenario
from handlerbench.errors import HandlerbenchError, UsageError

PROG = "handlerbench"
# Workers re-run this, never sys.argv[0]: that is a Jupyter kernel in a
# notebook and the `handlerbench` script's path otherwise.
WORKER_PROGRAM = ("-m", "handlerbench", "run")

USAGE = f"""\
usage: {PROG} COMMAND [options]

Measure what Django's request handlers cost, in-process.

commands:
  run [SCENARIO ...]   time scenarios with pyperf and print a table
                       (no scenario: the four without middleware)
  transitions [SCENARIO ...]
                       count and name every sync/async hop of one request
                       (no scenario: every built-in scenario)
  list                 list handlers, stacks, views and scenario names

`{PROG} COMMAND --help` describes each command's options.
"""


def add_target_arguments(group: Any, default: str) -> None:
    """What to measure: scenario names, or ``--app`` with its ``--interface``."""
    group.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO",
        help=f"scenario names, handler/stack/view (default: {default})",
    )
    group.add_argument(
        "--app",
        metavar="MODULE:CALLABLE",
        help="time any WSGI or ASGI callable instead of a scenario (no Django checks)",
    )
    group.add_argument(
        "--interface",
        choices=("wsgi", "asgi"),
        help="the interface --app speaks",
    )


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """handlerbench's own ``run`` options, added to pyperf's parser."""
    group = parser.add_argument_group("handlerbench")
    add_target_arguments(group, "the four with stack 'none'")
    group.add_argument(
        "--format",
        choices=report.FORMATS,
        default="text",
        help="the summary table as plain text (default) or Markdown",
    )


def forward_run_arguments(cmd: list[str], args: argparse.Namespace) -> None:
    """pyperf's ``add_cmdline_args``: what a worker needs to time the same thing."""
    if args.app:
        cmd.extend(("--app", args.app, "--interface", args.interface))
    cmd.extend(args.scenarios)


def targets_from_args(args: argparse.Namespace, default: Sequence[scenario.Scenario]) -> list:
    from handlerbench.targets import app_target, scenario_target

    if args.app:
        if args.scenarios:
            raise UsageError("give either --app or scenario names, not both")
        if not args.interface:
            raise UsageError("--app needs --interface wsgi or --interface asgi")
        return [app_target(args.app, args.interface)]
    if args.interface:
        raise UsageError("--interface applies only with --app")
    names = args.scenarios or [s.name for s in default]
    return [scenario_target(scenario.Scenario.parse(name)) for name in names]


def cmd_run(argv: Sequence[str]) -> int:
    import pyperf

    from handlerbench.runner import bench_targets

    runner = pyperf.Runner(program_args=WORKER_PROGRAM, add_cmdline_args=forward_run_arguments)
    parser = runner.argparser
    parser.prog = f"{PROG} run"
    parser.description = (
        "Time scenarios (handler/stack/view) through Django's real WSGIHandler and "
        "ASGIHandler with pyperf, then print mean +- std dev per request."
    )
    add_run_arguments(parser)
    args = runner.parse_args(list(argv))
    targets = targets_from_args(args, scenario.default_scenarios())
    try:
        benchmarks = bench_targets(runner, targets)
    except RuntimeError as exc:
        if "failed with exit code" not in str(exc):
            raise
        raise HandlerbenchError(f"a pyperf worker failed ({exc}); its error is above") from None
    if not args.worker and benchmarks:
        print()
        print(report.format_table(benchmarks, args.format))
    return 0


def cmd_transitions(argv: Sequence[str]) -> int:
    from handlerbench.transitions import count_transitions, format_report

    parser = argparse.ArgumentParser(
        prog=f"{PROG} transitions",
        description=(
            "Count every sync_to_async / async_to_sync hop one request makes, with what "
            "each wrapped, the threads started and the executors created."
        ),
    )
    add_target_arguments(parser, "every built-in scenario")
    parser.add_argument(
        "--requests",
        type=int,
        default=3,
        metavar="N",
        help="record N requests after a warm-up and check they agree (default: 3)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list, one per scenario")
    args = parser.parse_args(list(argv))
    targets = targets_from_args(args, scenario.all_scenarios())
    reports = [count_transitions(target, requests=args.requests) for target in targets]
    if args.json:
        print(json.dumps([report.to_dict() for report in reports], indent=2))
    else:
        print("\n\n".join(format_report(report) for report in reports))
    return 0


def cmd_list(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} list", description="List handlers, stacks, views and scenario names."
    )
    parser.parse_args(list(argv))
    print("handlers:", " ".join(scenario.HANDLERS))
    print("stacks:  ", " ".join(scenario.STACKS))
    print("views:   ", " ".join(scenario.VIEWS))
    print("scenarios:")
    for s in scenario.all_scenarios():
        print(f"  {s.name}")
    return 0


COMMANDS = {"run": cmd_run, "transitions": cmd_transitions, "list": cmd_list}


def run_script(main_function: Callable[[], None]) -> None:
    """Run a ``bench_*.py`` script's main: a HandlerbenchError is one line and exit status."""
    try:
        main_function()
    except HandlerbenchError as exc:
        print(f"{sys.argv[0]}: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_status)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m handlerbench`` and the ``handlerbench`` script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0 if argv else 2
    command = COMMANDS.get(argv[0])
    try:
        if command is None:
            raise UsageError(f"unknown command {argv[0]!r} (choose from {', '.join(COMMANDS)})")
        return command(argv[1:])
    except HandlerbenchError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return exc.exit_status
