"""``python -m handlerbench``: the subcommands.

``run`` and ``explain`` are pyperf programs: pyperf's own options
(``--fast``, ``-o``, ``-p``, ``--timeout`` ...) work, and the worker
processes pyperf spawns are ``python -m handlerbench run`` (or ``explain``)
with handlerbench's options forwarded (``handlerbench.options``), so they
time exactly what the master checked.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from handlerbench import options, report, scenario
from handlerbench.app.endpoints import VIEWS as VIEW_KINDS
from handlerbench.app.stacks import resolve
from handlerbench.concurrency import DeadlineExceeded
from handlerbench.drivers import LOOPS
from handlerbench.errors import HandlerbenchError, Terminated, UsageError
from handlerbench.options import (
    PROG,
    add_deadline_argument,
    add_load_arguments,
    add_request_arguments,
    add_target_arguments,
    add_view_arguments,
    forward_arguments,
    one_line_errors,
    positive,
    request_deadline,
    targets_from_args,
    view_options,
    warn_debug,
)
from handlerbench.output import (
    check_directory,
    pyperf_outputs,
    safe_pyperf_output,
    write_atomically,
)
from handlerbench.runner import add_observed_argument
from handlerbench.watchdog import set_deadline

# pyperf's --timeout when none is given: a worker running longer is stopped.
WORKER_TIMEOUT = 1800
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

run, transitions, explain, profile and soak also take your own project: --settings mysite.settings
--path /api/items/ (and --method, --header, --json ...).
`{PROG} COMMAND --help` describes each command's options; --debug anywhere shows
the traceback of an error instead of its one line.
"""


def run_options_parser() -> argparse.ArgumentParser:
    """``run``'s own options without pyperf's (what ``hb.run(...)`` checks keywords against)."""
    parser = argparse.ArgumentParser(prog=f"{PROG} run")
    add_run_arguments(parser)
    return parser


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """handlerbench's own ``run`` options, added to pyperf's parser."""
    group = parser.add_argument_group("handlerbench")
    add_target_arguments(group, "the four with stack 'none'")
    add_load_arguments(group)
    add_request_arguments(parser)
    group.add_argument(
        "--format",
        choices=report.FORMATS,
        default="text",
        help="the summary table as plain text (default) or Markdown",
    )


def pyperf_program(
    argv: Sequence[str],
    program: Sequence[str],
    command: str,
    description: str,
    add_arguments: Callable[[argparse.ArgumentParser], None],
) -> tuple[Any, argparse.Namespace, float]:
    """A pyperf Runner for ``command`` (``run``, ``explain``), its parsed options, the deadline.

    The output files are checked before pyperf parses; its workers re-run
    ``program`` with the options forwarded.
    """
    import pyperf

    pyperf_outputs(argv)
    runner = pyperf.Runner(program_args=tuple(program), add_cmdline_args=forward_arguments)
    parser = one_line_errors(runner.argparser)
    # No abbreviations: --out would slip past the checks of -o/--output.
    parser.allow_abbrev = False
    parser.prog = f"{PROG} {command}"
    parser.description = description
    add_arguments(parser)
    args = runner.parse_args(list(argv))
    return runner, args, pyperf_deadlines(args)


def pyperf_deadlines(args: argparse.Namespace) -> float:
    """Arm the per-request deadline and default pyperf's --timeout; the deadline.

    Under ``--settings`` the workers also get the whole environment: a
    project's settings read it (secrets, DEBUG, DATABASE_URL), and workers
    without it would time other settings.
    """
    deadline = request_deadline(args)
    set_deadline(deadline)
    if args.timeout is None and not args.worker:
        args.timeout = WORKER_TIMEOUT
    if getattr(args, "settings", None):
        args.copy_env = True
    return deadline


def cmd_run(argv: Sequence[str]) -> int:
    from handlerbench.runner import bench_targets

    runner, args, deadline = pyperf_program(
        argv,
        WORKER_PROGRAM,
        "run",
        "Time scenarios (handler/stack/view) through Django's real WSGIHandler and "
        "ASGIHandler with pyperf, then print mean +- std dev per request. Every run has "
        f"deadlines: --deadline per request, pyperf's --timeout per worker (default: "
        f"{WORKER_TIMEOUT:g} s). -o and --append files are written whole or not at all.",
        add_run_arguments,
    )
    targets = targets_from_args(args, scenario.default_scenarios())
    if not args.worker:
        warn_debug(targets)
    with safe_pyperf_output(args):
        benchmarks = bench_targets(runner, targets, args.concurrency or [1], deadline)
    if not args.worker and benchmarks:
        print()
        print(report.summary(benchmarks, args.format))
    return 0


def transitions_parser() -> argparse.ArgumentParser:
    """``transitions``' options (also what ``hb.transitions(...)`` accepts)."""
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
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default), or a JSON list with one object per scenario",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", help="write the report to FILE instead of stdout"
    )
    add_deadline_argument(parser)
    add_request_arguments(parser)
    return parser


def cmd_transitions(argv: Sequence[str]) -> int:
    from handlerbench.transitions import count_transitions, format_report

    args = transitions_parser().parse_args(list(argv))
    set_deadline(request_deadline(args))
    if args.output:
        check_directory(args.output, "-o")
    targets = targets_from_args(args, scenario.transition_scenarios())
    warn_debug(targets)
    refuse_duplicates(targets)
    reports = [count_transitions(target, requests=args.requests) for target in targets]
    if args.format == "json":
        text = json.dumps([report.to_dict() for report in reports], indent=2)
    else:
        text = "\n\n".join(format_report(report) for report in reports)
    emit(text, args.output)
    return 0


def emit(text: str, path: str | None) -> None:
    """A report to ``path`` (written whole or not at all), or to stdout."""
    if path:
        write_atomically(path, lambda temporary: Path(temporary).write_text(text + "\n"))
    else:
        print(text)


def profile_parser() -> argparse.ArgumentParser:
    """``profile``'s options (also what ``hb.profile(...)`` accepts)."""
    from handlerbench.profiling import PROFILERS, SORT_KEYS

    parser = argparse.ArgumentParser(
        prog=f"{PROG} profile",
        description=(
            "Profile N requests of one scenario (after a warm-up) and print the top "
            "functions. cProfile sees every thread a request runs code in, the executor "
            "threads of ASGI included; pyinstrument (the profile extra) samples only the "
            "event loop's thread. Times under a profiler are inflated: `run` gives figures."
        ),
    )
    one_line_errors(parser)
    add_target_arguments(parser, "none: name one, or --settings with one --handler")
    parser.add_argument("--loop", choices=LOOPS, help="the ASGI event loop (default: asyncio)")
    parser.add_argument(
        "--requests",
        type=positive,
        default=1000,
        metavar="N",
        help="requests to profile (default: 1000)",
    )
    parser.add_argument("--profiler", choices=PROFILERS, default="cprofile")
    parser.add_argument(
        "--top", type=positive, default=25, metavar="N", help="functions to print (default: 25)"
    )
    parser.add_argument(
        "--sort",
        choices=SORT_KEYS,
        default="cumulative",
        metavar="KEY",
        help="a pstats sort key: cumulative (default), tottime, calls, ...",
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE.pstats", help="also write the cProfile stats to a file"
    )
    add_deadline_argument(parser)
    add_request_arguments(parser)
    return parser


def cmd_profile(argv: Sequence[str]) -> int:
    from handlerbench.profiling import profile_target

    args = profile_parser().parse_args(list(argv))
    set_deadline(request_deadline(args))
    if args.output and args.profiler != "cprofile":
        raise UsageError("-o writes cProfile's .pstats format; use it with --profiler cprofile")
    if args.output:
        check_directory(args.output, "-o")
    targets = targets_from_args(args, ())
    if len(targets) != 1:
        raise UsageError(
            "profile takes one scenario (with --settings: one --handler and one --stack); "
            f"{len(targets)} given"
        )
    warn_debug(targets)
    result = profile_target(targets[0], args.requests, args.profiler)
    if args.output:
        result.dump(args.output)
    print(result.format(args.top, args.sort))
    return 0


EXPLAIN_PROGRAM = ("-m", "handlerbench", "explain")


def add_explain_arguments(parser: argparse.ArgumentParser) -> None:
    """``explain``'s own options, added to pyperf's parser."""
    group = parser.add_argument_group("handlerbench")
    add_target_arguments(group, "asgi/default/sync")
    group.add_argument("--loop", choices=LOOPS, help="the ASGI event loop (default: asyncio)")
    add_deadline_argument(group)
    add_observed_argument(group)
    group.add_argument(
        "--format",
        choices=(*report.FORMATS, "json"),
        default="text",
        help="the tables as plain text (default), Markdown, or JSON",
    )
    group.add_argument(
        "--plot", metavar="PNG", help="also draw stacked bars of the parts (matplotlib)"
    )
    group.add_argument(
        "--report-file", metavar="FILE", help="write the tables to FILE instead of stdout"
    )
    group.add_argument(
        "--saved",
        nargs="+",
        metavar="FILE",
        help="instead of measuring: show explanations saved with --format json --report-file "
        "(from several environments: compare versions), with --format and --plot",
    )
    add_request_arguments(parser)


def explain_options_parser() -> argparse.ArgumentParser:
    """``explain``'s own options without pyperf's (what ``hb.explain(...)`` checks)."""
    parser = argparse.ArgumentParser(prog=f"{PROG} explain")
    add_explain_arguments(parser)
    return parser


def explained_targets(args: argparse.Namespace) -> list[tuple[Any, Any]]:
    """Each ASGI target the command line names, with its WSGI twin (same stack and view).

    With no scenario and no axis, ``asgi/default/sync``; with axes or
    ``--settings`` and no ``--handler``, ASGI only.
    """
    if args.app:
        raise UsageError("explain takes Django scenarios or --settings, not --app")
    asked = copy.copy(args)
    axes = asked.stack or asked.view or asked.middleware or asked.settings is not None
    if not asked.scenarios and axes and not asked.handler:
        asked.handler = ["asgi"]
    targets = targets_from_args(asked, [scenario.Scenario.parse("asgi/default/sync")])
    refuse_duplicates(targets)
    wsgi = [t.name for t in targets if t.metadata.get("handler") != "asgi"]
    if wsgi:
        raise UsageError(
            f"explain takes ASGI scenarios, not {', '.join(wsgi)}: "
            "each is explained against its WSGI twin"
        )
    twins_args = copy.copy(asked)
    twins_args.handler = ["wsgi"] if asked.handler else None
    twins_args.scenarios = ["wsgi/" + name.partition("/")[2] for name in asked.scenarios or ()]
    twins = targets_from_args(twins_args, [scenario.Scenario.parse("wsgi/default/sync")])
    return list(zip(targets, twins, strict=True))


def refuse_duplicates(targets: Sequence) -> None:
    names = [target.name for target in targets]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise UsageError(f"scenario given twice: {', '.join(duplicated)}")


def cmd_explain(argv: Sequence[str]) -> int:
    from handlerbench.breakdown import all_targets, explanation, plan
    from handlerbench.runner import bench_targets
    from handlerbench.transitions import count_transitions

    if any(arg == "--saved" or arg.startswith("--saved=") for arg in argv):
        return explain_saved(argv)
    runner, args, deadline = pyperf_program(
        argv,
        EXPLAIN_PROGRAM,
        "explain",
        "Decompose an ASGI scenario's time per request into parts, each measured in this "
        "run with pyperf: the same request under WSGI (Django's own work), the per-request "
        "ThreadSensitiveContext and its threads (against a variant without it), the ASGI "
        "handler's own work, the hops (their count from the counting pass times the measured "
        "price of one round trip of their kind), and the rest.",
        add_explain_arguments,
    )
    if not args.worker:
        check_report_outputs(args.report_file, args.plot)
    plans = [plan(a, w, args.loop or "asyncio") for a, w in explained_targets(args)]
    if not args.worker:
        warn_debug([p.scenario for p in plans])
    with safe_pyperf_output(args):
        benchmarks = bench_targets(runner, all_targets(plans), [1], deadline)
    if args.worker:
        return 0
    measured = {benchmark.get_name(): benchmark for benchmark in benchmarks}
    explanations = [
        explanation(p, count_transitions(p.scenario), measured, count_transitions(p.twin))
        for p in plans
    ]
    show_explanations(explanations, args.format, args.plot, args.report_file)
    return 0


def check_report_outputs(report_file: str | None, plot: str | None) -> None:
    """Before measuring: the files a report goes to can be written, in a format that exists."""
    if report_file:
        check_directory(report_file, "--report-file")
    if plot:
        check_directory(plot, "--plot")
        try:
            from matplotlib.backend_bases import FigureCanvasBase
        except ImportError:
            raise HandlerbenchError(
                "--plot needs matplotlib: pip install 'handlerbench[plot]'"
            ) from None
        suffix = Path(plot).suffix.lstrip(".").lower()
        if suffix not in FigureCanvasBase.get_supported_filetypes():
            formats = ", ".join(sorted(FigureCanvasBase.get_supported_filetypes()))
            raise UsageError(f"--plot {plot}: not a format matplotlib writes ({formats})")


def explain_saved(argv: Sequence[str]) -> int:
    """``explain --saved FILE...``: tables and a chart of saved explanations, side by side."""
    from handlerbench.breakdown import load_explanations

    parser = one_line_errors(argparse.ArgumentParser(prog=f"{PROG} explain --saved"))
    parser.add_argument("--saved", nargs="+", required=True, metavar="FILE")
    parser.add_argument("--format", choices=(*report.FORMATS, "json"), default="text")
    parser.add_argument("--plot", metavar="PNG")
    parser.add_argument("--report-file", metavar="FILE")
    args = parser.parse_args(list(argv))
    check_report_outputs(args.report_file, args.plot)
    show_explanations(load_explanations(args.saved), args.format, args.plot, args.report_file)
    return 0


def show_explanations(explanations: list, fmt: str, plot: str | None, report_file: str | None):
    from handlerbench.breakdown import format_explanation

    if fmt == "json":
        text = json.dumps([e.to_dict() for e in explanations], indent=2)
    else:
        text = "\n\n".join(format_explanation(e, fmt) for e in explanations)
    if not report_file:
        print()
    emit(text, report_file)
    if plot:
        from handlerbench.plot import plot_explanations

        plot_explanations(explanations, plot)


def soak_parser() -> argparse.ArgumentParser:
    """``soak``'s options."""
    parser = argparse.ArgumentParser(
        prog=f"{PROG} soak",
        description=(
            "Run many requests of each scenario (after a warm-up) and report threads, open "
            "file descriptors and RSS at the start, after each chunk and after closing, with "
            "a verdict per resource: flat or grew. Figures are the whole process's; several "
            "scenarios are soaked one after the other in this one process, so each baseline "
            "holds what the earlier ones left (soak one scenario per run for clean figures)."
        ),
    )
    one_line_errors(parser)
    add_target_arguments(parser, "none: name one or more")
    parser.add_argument("--loop", choices=LOOPS, help="the ASGI event loop (default: asyncio)")
    parser.add_argument(
        "--requests",
        type=positive,
        default=100_000,
        metavar="N",
        help="requests to run per scenario (default: 100000)",
    )
    parser.add_argument(
        "--checkpoints",
        type=positive,
        default=10,
        metavar="N",
        help="chunks to run them in, with a sample after each (default: 10)",
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text (default), or a JSON list with one object per scenario",
    )
    add_deadline_argument(parser)
    add_request_arguments(parser)
    return parser


def cmd_soak(argv: Sequence[str]) -> int:
    from handlerbench.soak import soak

    args = soak_parser().parse_args(list(argv))
    set_deadline(request_deadline(args))
    if args.requests < args.checkpoints:
        raise UsageError(
            f"--requests {args.requests}: must be at least --checkpoints ({args.checkpoints})"
        )
    targets = targets_from_args(args, ())
    if not targets:
        raise UsageError("soak takes one or more scenarios (or --settings, or --app)")
    refuse_duplicates(targets)
    warn_debug(targets)
    reports = []
    for target in targets:
        reports.append(soak(target, args.requests, args.checkpoints))
        if args.format == "text":
            print(("\n" if len(reports) > 1 else "") + reports[-1].format(), flush=True)
    if args.format == "json":
        print(json.dumps([report.to_dict() for report in reports], indent=2))
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
    "profile": cmd_profile,
    "soak": cmd_soak,
    "explain": cmd_explain,
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
        pyperf_outputs(sys.argv[1:])
        runner = pyperf.Runner(add_cmdline_args=forward_arguments)
        runner.metadata["description"] = description
        group = runner.argparser.add_argument_group("handlerbench")
        add_view_arguments(group)
        add_load_arguments(group)
        args = one_line_errors(runner.argparser).parse_args()
        deadline = pyperf_deadlines(args)
        options, loop = view_options(args), args.loop or "asyncio"
        targets = [scenario_target(s, options, loop=loop) for s in scenarios]
        concurrencies = args.concurrency or default_concurrency
        with safe_pyperf_output(args):
            benchmarks = bench_targets(runner, targets, concurrencies, deadline)
    except HandlerbenchError as exc:
        exit_with_error(sys.argv[0], exc)
    if not args.worker and benchmarks:
        print()
        print(report.summary(benchmarks))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m handlerbench`` and the ``handlerbench`` script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--debug" in argv:
        argv.remove("--debug")
        options.DEBUG = True
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0 if argv else 2
    command = COMMANDS.get(argv[0])
    try:
        if command is None:
            raise UsageError(f"unknown command {argv[0]!r} (choose from {', '.join(COMMANDS)})")
        return command(argv[1:])
    except HandlerbenchError as exc:
        if options.DEBUG:
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
        if options.DEBUG:
            raise
        print(
            f"{PROG}: error: internal error, {type(exc).__name__}: {exc} "
            "(--debug shows the traceback; please report it)",
            file=sys.stderr,
        )
        return 1
