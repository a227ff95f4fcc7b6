"""``python -m handlerbench``: the subcommands.

``run`` is a pyperf program: pyperf's own options (``--fast``, ``-o``,
``-p``, ``--timeout`` ...) work, and the worker processes pyperf spawns are
``python -m handlerbench run`` with handlerbench's options forwarded, so
they time exactly what the master checked.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from handlerbench import report, scenario
from handlerbench.app.endpoints import VIEWS as VIEW_KINDS
from handlerbench.app.endpoints import ViewOptions
from handlerbench.app.stacks import resolve
from handlerbench.concurrency import DEFAULT_DEADLINE, DeadlineExceeded
from handlerbench.drivers import LOOPS
from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.runner import add_observed_argument, forward_observations

PROG = "handlerbench"
# Workers re-run this, never sys.argv[0]: that is a Jupyter kernel in a
# notebook and the `handlerbench` script's path otherwise.
WORKER_PROGRAM = ("-m", "handlerbench", "run")

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
  list                 the stacks with their middleware, the views with what they do
  report FILE ...      one table across saved runs (e.g. results/*.json of tox -m bench)
  compare BEFORE AFTER time change and hops added/removed per scenario;
                       --max-slowdown PCT and --no-new-hops make it a CI gate

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
    add_load_arguments(group)
    group.add_argument(
        "--format",
        choices=report.FORMATS,
        default="text",
        help="the summary table as plain text (default) or Markdown",
    )


# Each WSGI client is a thread, each ASGI request starts one or two.
MAX_CONCURRENCY = 10_000


def _concurrencies(text: str) -> list[int]:
    try:
        values = [int(value) for value in _names(text)]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of whole numbers") from None
    if any(not 1 <= value <= MAX_CONCURRENCY for value in values):
        raise argparse.ArgumentTypeError(f"{text!r}: a concurrency is 1 to {MAX_CONCURRENCY}")
    if len(set(values)) != len(values):
        raise argparse.ArgumentTypeError(f"{text!r} repeats a concurrency")
    return values


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number of seconds: {text!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: must be more than 0 seconds")
    return value


def add_load_arguments(group: Any) -> None:
    """How requests are sent: how many in flight, their deadline, the ASGI event loop."""
    group.add_argument(
        "--concurrency",
        type=_concurrencies,
        metavar="N[,N]",
        help="requests in flight: ASGI tasks on one loop, WSGI a pool of N threads; "
        "each N is its own benchmark, NAME@c=N (default: 1, sequential)",
    )
    group.add_argument(
        "--deadline",
        type=_seconds,
        metavar="SECONDS",
        help="fail a concurrent run when a request takes longer than this "
        f"(default: {DEFAULT_DEADLINE:g})",
    )
    group.add_argument(
        "--loop",
        choices=LOOPS,
        help="the ASGI event loop (uvloop, uvicorn's default, if installed) (default: asyncio)",
    )
    add_observed_argument(group)


# Options a pyperf worker needs to time the same thing as its master.
FORWARDED = {
    "--handler": "handler",
    "--stack": "stack",
    "--view": "view",
    "--middleware": "middleware",
    "--delay": "delay",
    "--work": "work",
    "--body-size": "body_size",
    "--concurrency": "concurrency",
    "--deadline": "deadline",
    "--loop": "loop",
}


def forward_arguments(cmd: list[str], args: argparse.Namespace) -> None:
    """pyperf's ``add_cmdline_args``: what a worker needs to time the same thing."""
    if getattr(args, "app", None):
        cmd.extend(("--app", args.app, "--interface", args.interface))
    for flag, attribute in FORWARDED.items():
        value = getattr(args, attribute, None)
        if value is not None:
            cmd.extend((flag, ",".join(map(str, value)) if isinstance(value, list) else str(value)))
    forward_observations(cmd)
    cmd.extend(getattr(args, "scenarios", None) or ())


def targets_from_args(args: argparse.Namespace, default: Sequence[scenario.Scenario]) -> list:
    """The targets the command line names, in report order; contradictions are usage errors."""
    from handlerbench.targets import app_target, scenario_target

    axes = [f"--{name}" for name in ("handler", "stack", "view") if getattr(args, name)]
    if args.app:
        built_in_only = ("--handler", "--stack", "--view", "--middleware", "--delay", "--work")
        scenario_options = [
            flag
            for flag in (*built_in_only, "--body-size")
            if getattr(args, FORWARDED[flag]) is not None
        ]
        if args.scenarios:
            raise UsageError("give either --app or scenario names, not both")
        if scenario_options:
            raise UsageError(
                f"{', '.join(scenario_options)} apply to the built-in app's scenarios, not --app"
            )
        if not args.interface:
            raise UsageError("--app needs --interface wsgi or --interface asgi")
        return [app_target(args.app, args.interface, loop=getattr(args, "loop", None) or "asyncio")]
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
    loop = getattr(args, "loop", None) or "asyncio"
    return [scenario_target(s, options, middleware, loop) for s in chosen]


def cmd_run(argv: Sequence[str]) -> int:
    import pyperf

    from handlerbench.runner import bench_targets

    runner = pyperf.Runner(program_args=WORKER_PROGRAM, add_cmdline_args=forward_arguments)
    parser = one_line_errors(runner.argparser)
    parser.prog = f"{PROG} run"
    parser.description = (
        "Time scenarios (handler/stack/view) through Django's real WSGIHandler and "
        "ASGIHandler with pyperf, then print mean +- std dev per request."
    )
    add_run_arguments(parser)
    args = runner.parse_args(list(argv))
    targets = targets_from_args(args, scenario.default_scenarios())
    benchmarks = bench_targets(
        runner, targets, args.concurrency or [1], args.deadline or DEFAULT_DEADLINE
    )
    if not args.worker and benchmarks:
        print()
        print(report.summary(benchmarks, args.format))
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
    names = [target.name for target in targets]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise UsageError(f"scenario given twice: {', '.join(duplicated)}")
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


def cmd_report(argv: Sequence[str]) -> int:
    from handlerbench.results import load_all

    parser = one_line_errors(
        argparse.ArgumentParser(
            prog=f"{PROG} report",
            description=(
                "One table across saved runs (pyperf JSON, e.g. results/*.json from "
                "`tox -m bench`): a row per scenario, a column per file, us/req and hops."
            ),
        )
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="pyperf JSON files")
    parser.add_argument("--format", choices=report.FORMATS, default="text")
    parser.add_argument(
        "--plot", metavar="PNG", help="also draw a bar chart (needs the plot extra: matplotlib)"
    )
    args = parser.parse_args(list(argv))
    results = load_all(args.files)
    if args.plot:
        from handlerbench.plot import plot_results

        plot_results(results, args.plot)
    print(report.format_results(results, args.format))
    return 0


def cmd_compare(argv: Sequence[str]) -> int:
    from handlerbench.compare import broken_rules, compare, format_comparison
    from handlerbench.results import load_all

    parser = one_line_errors(
        argparse.ArgumentParser(
            prog=f"{PROG} compare",
            description=(
                "Compare two saved runs: the time change per scenario with its significance "
                "(t-test at 95%), and the hops added and removed, by name. With a rule, exit "
                "status 1 names each scenario that broke it."
            ),
        )
    )
    parser.add_argument("before", metavar="BEFORE.json")
    parser.add_argument("after", metavar="AFTER.json")
    parser.add_argument(
        "--max-slowdown",
        type=float,
        metavar="PCT",
        help="fail if a scenario is significantly slower by more than PCT percent",
    )
    parser.add_argument(
        "--no-new-hops", action="store_true", help="fail if a scenario makes more hops in AFTER"
    )
    parser.add_argument("--format", choices=report.FORMATS, default="text")
    args = parser.parse_args(list(argv))
    if args.max_slowdown is not None and not args.max_slowdown >= 0:
        raise UsageError(f"--max-slowdown {args.max_slowdown:g}: must be 0 or more")
    before, after = load_all([args.before, args.after])
    differences, only_before, only_after = compare(before, after)
    if not differences:
        raise HandlerbenchError(f"{args.before} and {args.after} have no scenario in common")
    print(format_comparison(before, after, differences, only_before, only_after, args.format))
    broken = broken_rules(differences, args.max_slowdown, args.no_new_hops)
    if broken:
        raise HandlerbenchError(f"compare: {'; '.join(broken)}")
    return 0


COMMANDS = {
    "run": cmd_run,
    "transitions": cmd_transitions,
    "list": cmd_list,
    "report": cmd_report,
    "compare": cmd_compare,
}


def exit_with_error(prog: str, exc: HandlerbenchError) -> NoReturn:
    """Print ``exc`` as one line and exit with its status.

    After a missed deadline a thread may be stuck in a view for good, and a
    normal exit would wait for it forever: exit at once instead.
    """
    print(f"{prog}: error: {exc}", file=sys.stderr)
    if isinstance(exc, DeadlineExceeded):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(exc.exit_status)
    sys.exit(exc.exit_status)


def bench_script(
    scenarios: Sequence[scenario.Scenario],
    description: str,
    default_concurrency: Sequence[int] = (1,),
) -> None:
    """The main of a ``bench_*.py`` script: time ``scenarios`` as a plain pyperf program.

    pyperf's options work and its workers re-run the script; the view and
    load options (``--delay``, ``--concurrency`` ...) are forwarded to them.
    The master prints the summary table at the end. A HandlerbenchError is
    one line and an exit status.
    """
    import pyperf

    from handlerbench.runner import bench_targets
    from handlerbench.targets import scenario_target

    try:
        runner = pyperf.Runner(add_cmdline_args=forward_arguments)
        runner.metadata["description"] = description
        group = runner.argparser.add_argument_group("handlerbench")
        add_view_arguments(group)
        add_load_arguments(group)
        args = one_line_errors(runner.argparser).parse_args()
        options, loop = view_options(args), args.loop or "asyncio"
        targets = [scenario_target(s, options, loop=loop) for s in scenarios]
        concurrencies = args.concurrency or default_concurrency
        benchmarks = bench_targets(
            runner, targets, concurrencies, args.deadline or DEFAULT_DEADLINE
        )
    except HandlerbenchError as exc:
        exit_with_error(sys.argv[0], exc)
    if not args.worker and benchmarks:
        print()
        print(report.summary(benchmarks))


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
        exit_with_error(PROG, exc)
