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
from collections.abc import Sequence
from typing import Any

from handlerbench import report, scenario
from handlerbench.app.endpoints import VIEWS as VIEW_KINDS
from handlerbench.app.endpoints import ViewOptions
from handlerbench.app.stacks import resolve
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


def one_line_errors(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Make argparse's errors (usage plus message) one ``UsageError`` line, like ours."""

    def error(message: str):
        raise UsageError(f"{message} (`{parser.prog} --help` lists the options)")

    parser.error = error  # type: ignore[method-assign]
    return parser


def _names(text: str) -> list[str]:
    """A comma-separated option value as a list: ``a,b`` -> ``["a", "b"]``."""
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise argparse.ArgumentTypeError(f"{text!r} has an empty name")
    return names


def add_view_arguments(group: Any) -> None:
    """The knobs of the parameterised views (also used by the ``bench_*.py`` scripts)."""
    defaults = ViewOptions()
    group.add_argument(
        "--delay",
        type=float,
        metavar="MS",
        help=f"milliseconds the sync-io/async-io views sleep (default: {defaults.delay_ms:g})",
    )
    group.add_argument(
        "--work",
        type=int,
        metavar="N",
        help=f"iterations of the cpu view's loop (default: {defaults.work})",
    )
    group.add_argument(
        "--body-size",
        type=int,
        metavar="BYTES",
        help=f"size of the form the post view reads (default: {defaults.body_size})",
    )


def view_options(args: argparse.Namespace) -> ViewOptions:
    """The ``ViewOptions`` the command line asked for; bad values are usage errors."""
    given = {
        "delay_ms": args.delay,
        "work": args.work,
        "body_size": args.body_size,
    }
    return ViewOptions(**{key: value for key, value in given.items() if value is not None})


def add_target_arguments(group: Any, default: str) -> None:
    """What to measure: scenario names, or the axes, or ``--app`` with its ``--interface``."""
    group.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO",
        help=f"scenario names, handler/stack/view (default: {default})",
    )
    group.add_argument(
        "--handler",
        type=_names,
        metavar="H[,H]",
        help="instead of names: handlers to run, wsgi and/or asgi (default: both)",
    )
    group.add_argument(
        "--stack",
        type=_names,
        metavar="S[,S]",
        help="instead of names: middleware stacks ('each': one per default middleware; "
        "`list` shows them) (default: none)",
    )
    group.add_argument(
        "--view",
        type=_names,
        metavar="V[,V]",
        help="instead of names: views ('all': every view) (default: sync,async)",
    )
    group.add_argument(
        "--middleware",
        type=_names,
        metavar="A.B[,C.D]",
        help="dotted paths of the stack 'custom' (and 'custom-fixed'); "
        "with no --stack, --stack custom",
    )
    add_view_arguments(group)
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


# Options a pyperf worker needs to time the same thing as its master.
FORWARDED = {
    "--handler": "handler",
    "--stack": "stack",
    "--view": "view",
    "--middleware": "middleware",
    "--delay": "delay",
    "--work": "work",
    "--body-size": "body_size",
}


def forward_view_arguments(cmd: list[str], args: argparse.Namespace) -> None:
    """pyperf's ``add_cmdline_args`` for scripts that take only the view options."""
    for flag in ("--delay", "--work", "--body-size"):
        value = getattr(args, FORWARDED[flag])
        if value is not None:
            cmd.extend((flag, str(value)))


def forward_run_arguments(cmd: list[str], args: argparse.Namespace) -> None:
    """pyperf's ``add_cmdline_args``: what a worker needs to time the same thing."""
    if args.app:
        cmd.extend(("--app", args.app, "--interface", args.interface))
    for flag, attribute in FORWARDED.items():
        value = getattr(args, attribute)
        if value is not None:
            cmd.extend((flag, ",".join(value) if isinstance(value, list) else str(value)))
    cmd.extend(args.scenarios)


def targets_from_args(args: argparse.Namespace, default: Sequence[scenario.Scenario]) -> list:
    """The targets the command line names, in report order; contradictions are usage errors."""
    from handlerbench.targets import app_target, scenario_target

    axes = [f"--{name}" for name in ("handler", "stack", "view") if getattr(args, name)]
    if args.app:
        if args.scenarios or axes or args.middleware:
            raise UsageError("give either --app or scenarios, not both")
        if not args.interface:
            raise UsageError("--app needs --interface wsgi or --interface asgi")
        return [app_target(args.app, args.interface)]
    if args.interface:
        raise UsageError("--interface applies only with --app")
    options = view_options(args)
    middleware = tuple(args.middleware or ())
    if args.scenarios and axes:
        raise UsageError(f"give either scenario names or {'/'.join(axes)}, not both")
    if args.scenarios:
        chosen = [scenario.Scenario.parse(name) for name in args.scenarios]
    elif axes or middleware:
        stacks = args.stack or (["custom"] if middleware else ["none"])
        chosen = scenario.matrix(
            args.handler or scenario.HANDLERS, stacks, args.view or ["sync", "async"]
        )
    else:
        chosen = list(default)
    if middleware and not any(s.stack.startswith("custom") for s in chosen):
        raise UsageError("--middleware applies only to the stacks custom and custom-fixed")
    return [scenario_target(s, options, middleware) for s in chosen]


def cmd_run(argv: Sequence[str]) -> int:
    import pyperf

    from handlerbench.runner import bench_targets

    runner = pyperf.Runner(program_args=WORKER_PROGRAM, add_cmdline_args=forward_run_arguments)
    parser = one_line_errors(runner.argparser)
    parser.prog = f"{PROG} run"
    parser.description = (
        "Time scenarios (handler/stack/view) through Django's real WSGIHandler and "
        "ASGIHandler with pyperf, then print mean +- std dev per request."
    )
    add_run_arguments(parser)
    args = runner.parse_args(list(argv))
    targets = targets_from_args(args, scenario.default_scenarios())
    benchmarks = bench_targets(runner, targets)
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
    one_line_errors(parser)
    add_target_arguments(
        parser, "hello world under both handlers, stacks none, default and default-fixed"
    )
    parser.add_argument(
        "--requests",
        type=int,
        default=3,
        metavar="N",
        help="record N requests after a warm-up and check they agree (default: 3)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON list, one per scenario")
    args = parser.parse_args(list(argv))
    targets = targets_from_args(args, scenario.transition_scenarios())
    reports = [count_transitions(target, requests=args.requests) for target in targets]
    if args.json:
        print(json.dumps([report.to_dict() for report in reports], indent=2))
    else:
        print("\n\n".join(format_report(report) for report in reports))
    return 0


def cmd_list(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} list",
        description="List the axes a scenario name (handler/stack/view) is made of.",
    )
    one_line_errors(parser).parse_args(list(argv))
    print("handlers:", " ".join(scenario.HANDLERS))
    print("stacks (--stack each: every each:NAME):")
    for name in scenario.STACKS:
        if name.startswith("custom"):
            middleware = "--middleware A.B,C.D"
        else:
            stack = resolve(name)
            middleware = ", ".join(path.rpartition(".")[2] for path in stack.middleware)
        fixed = "  (#37177 fix applied)" if name.endswith("-fixed") else ""
        print(f"  {name:33} {middleware or '(no middleware)'}{fixed}")
    print("views (--view all: every view):")
    for name, (description, _endpoint) in VIEW_KINDS.items():
        print(f"  {name:14} {description}")
    print("scenario names are handler/stack/view, for example asgi/default-fixed/async-io")
    return 0


COMMANDS = {"run": cmd_run, "transitions": cmd_transitions, "list": cmd_list}


def bench_script(scenarios: Sequence[scenario.Scenario], description: str) -> None:
    """The main of a ``bench_*.py`` script: time ``scenarios`` as a plain pyperf program.

    pyperf's options work and its workers re-run the script; the view options
    (``--delay``, ``--work``, ``--body-size``) are forwarded to them. The
    master prints the summary table at the end. A HandlerbenchError is one
    line and an exit status.
    """
    import pyperf

    from handlerbench.runner import bench_targets
    from handlerbench.targets import scenario_target

    try:
        runner = pyperf.Runner(add_cmdline_args=forward_view_arguments)
        runner.metadata["description"] = description
        add_view_arguments(runner.argparser.add_argument_group("handlerbench"))
        args = one_line_errors(runner.argparser).parse_args()
        options = view_options(args)
        benchmarks = bench_targets(runner, [scenario_target(s, options) for s in scenarios])
    except HandlerbenchError as exc:
        print(f"{sys.argv[0]}: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_status)
    if not args.worker and benchmarks:
        print()
        print(report.format_table(benchmarks))


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
