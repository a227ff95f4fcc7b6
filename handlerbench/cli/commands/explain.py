"""``handlerbench explain``: where an ASGI request's time goes, each part measured in this run."""

from __future__ import annotations

import argparse
import copy
import json
from collections.abc import Sequence
from typing import Any

from handlerbench.cli import arguments
from handlerbench.cli.output import check_report_outputs, emit
from handlerbench.cli.program import pyperf_program
from handlerbench.cli.targets import refuse_duplicates, targets_from_args, warn_debug
from handlerbench.errors import PROG, UsageError
from handlerbench.handlers import scenario
from handlerbench.render.table import FORMATS
from handlerbench.results.output import safe_pyperf_output

DESCRIPTION = (
    "Decompose an ASGI scenario's time per request into parts, each measured in this "
    "run with pyperf: the same request under WSGI (Django's own work), the per-request "
    "ThreadSensitiveContext and its threads (against a variant without it), the ASGI "
    "handler's own work, the hops (their count from the counting pass times the measured "
    "price of one round trip of their kind), and the rest."
)
PLOT_HELP = "also draw stacked bars of the parts (matplotlib)"
SAVED_HELP = (
    "instead of measuring: show explanations saved with --format json --report-file "
    "(from several environments: compare versions), with --format and --plot"
)


def add_explain_arguments(parser: argparse.ArgumentParser) -> None:
    """``explain``'s own options, added to pyperf's parser."""
    from handlerbench.passes.timing import add_observed_argument

    arguments.add_target_arguments(
        parser,
        "asgi/default/sync",
        handlers="asgi (each is explained against its WSGI twin)",
        takes_app=False,
    )
    arguments.add_request_arguments(parser)
    arguments.add_loop_argument(parser)
    arguments.add_deadline_argument(parser)
    add_observed_argument(parser)
    arguments.add_format_argument(
        parser, (*FORMATS, "json"), "the tables as plain text (default), Markdown, or JSON"
    )
    arguments.add_plot_argument(parser, PLOT_HELP)
    arguments.add_report_file_argument(parser)
    arguments.group(parser, arguments.OUTPUT).add_argument(
        "--saved", nargs="+", metavar="FILE", help=SAVED_HELP
    )


def options_parser() -> argparse.ArgumentParser:
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


def main(argv: Sequence[str], debug: bool) -> int:
    from handlerbench.passes.counting import count_transitions
    from handlerbench.passes.explain import all_targets, explanation, plan
    from handlerbench.passes.timing import bench_targets

    if any(arg == "--saved" or arg.startswith("--saved=") for arg in argv):
        return saved(argv)
    runner, timing, args, deadline = pyperf_program(
        argv, "explain", DESCRIPTION, add_explain_arguments, debug
    )
    if not args.worker:
        check_report_outputs(args.report_file, args.plot)
    plans = [plan(a, w, args.loop or "asyncio") for a, w in explained_targets(args)]
    if not args.worker:
        warn_debug([p.scenario for p in plans])
    with safe_pyperf_output(args):
        # Explain's parts are times: its workers count hops, not the counters.
        benchmarks = bench_targets(
            runner, all_targets(plans), [1], deadline, plan=timing, counters=False
        )
    if args.worker:
        return 0
    measured = {benchmark.get_name(): benchmark for benchmark in benchmarks}
    explanations = [
        explanation(
            p,
            count_transitions(p.scenario, counters=False),
            measured,
            count_transitions(p.twin, counters=False),
        )
        for p in plans
    ]
    show(explanations, args.format, args.plot, args.report_file)
    return 0


def saved(argv: Sequence[str]) -> int:
    """``explain --saved FILE...``: tables and a chart of saved explanations, side by side."""
    from handlerbench.passes.explain import load_explanations

    parser = arguments.one_line_errors(argparse.ArgumentParser(prog=f"{PROG} explain --saved"))
    parser.add_argument("--saved", nargs="+", required=True, metavar="FILE", help=SAVED_HELP)
    arguments.add_format_argument(
        parser, (*FORMATS, "json"), "the tables as plain text (default), Markdown, or JSON"
    )
    arguments.add_plot_argument(parser, PLOT_HELP)
    arguments.add_report_file_argument(parser)
    args = parser.parse_args(list(argv))
    check_report_outputs(args.report_file, args.plot)
    show(load_explanations(args.saved), args.format, args.plot, args.report_file)
    return 0


def show(explanations: list, fmt: str, plot: str | None, report_file: str | None) -> None:
    from handlerbench.render.explanation import format_explanation

    if fmt == "json":
        text = json.dumps([e.to_dict() for e in explanations], indent=2)
    else:
        text = "\n\n".join(format_explanation(e, fmt) for e in explanations)
    if not report_file:
        print()
    emit(text, report_file)
    if plot:
        from handlerbench.render.plot import plot_explanations

        plot_explanations(explanations, plot)
