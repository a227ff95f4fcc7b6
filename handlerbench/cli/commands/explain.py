"""``handlerbench explain``: where an ASGI request's time goes, each part measured in this run."""

from __future__ import annotations

import argparse
import copy
import json
import sys
from collections.abc import Sequence
from typing import Any

from handlerbench.cli import arguments, sessions
from handlerbench.cli.forwarding import forwarder
from handlerbench.cli.output import check_report_outputs, emit
from handlerbench.cli.sessions import pace
from handlerbench.cli.targets import refuse_duplicates, targets_from_args, warn_debug
from handlerbench.cli.types import names
from handlerbench.compat import python_version
from handlerbench.drive import resolve_loop
from handlerbench.errors import PROG, UsageError, sigterm_raises
from handlerbench.handlers import scenario
from handlerbench.handlers.target import Target
from handlerbench.render.table import FORMATS
from handlerbench.results.output import check_new_output, write_atomically
from handlerbench.results.saved import versions_label

DESCRIPTION = (
    "Decompose an ASGI scenario's time per request into parts, each measured in this run: "
    "the same request under WSGI (Django's own work), the per-request "
    "ThreadSensitiveContext and its threads (against a variant without it), the ASGI "
    "handler's own work, the hops (their count from the counting pass times the measured "
    "price of one round trip of their kind, only the kinds the request makes), and the rest. "
    "Each round is one worker process timing all of them in turn, so every part that is a "
    "difference is a paired one with its own 95%% interval; rounds go on until each part is "
    "within --precision of the total (or a quarter of itself), or --budget is spent."
)
PLOT_HELP = "also draw stacked bars of the parts (matplotlib)"
SAVED_HELP = (
    "instead of measuring: show explanations saved with --format json --report-file "
    "(from several environments: compare versions), with --format and --plot"
)
FORMAT_HELP = "the tables as plain text (default), Markdown, or JSON"
# --fast and --rigorous: the budget and precision they stand for.
FAST = (60.0, 0.03)
RIGOROUS = (600.0, 0.01)


def add_explain_arguments(parser: argparse.ArgumentParser) -> None:
    """``explain``'s own options."""
    arguments.add_target_arguments(
        parser,
        "asgi/default/sync",
        handlers="asgi (each is explained against its WSGI twin)",
        takes_app=False,
    )
    arguments.add_request_arguments(parser)
    arguments.add_loop_argument(parser)
    arguments.add_deadline_argument(parser)
    sessions.add_rounds_arguments(parser, budget=120.0, precision=3.0, min_time=0.05)
    measurement = arguments.group(parser, arguments.MEASUREMENT)
    speed = measurement.add_mutually_exclusive_group()
    speed.add_argument(
        "--fast",
        action="store_true",
        help=f"a sooner answer: --budget {FAST[0]:g} --precision {FAST[1] * 100:g}",
    )
    speed.add_argument(
        "--rigorous",
        action="store_true",
        help=f"a closer answer: --budget {RIGOROUS[0]:g} --precision {RIGOROUS[1] * 100:g}",
    )
    arguments.add_format_argument(parser, (*FORMATS, "json"), FORMAT_HELP)
    arguments.add_plot_argument(parser, PLOT_HELP)
    arguments.add_report_file_argument(parser)
    arguments.add_output_argument(parser, "FILE", "also write every target's rounds as pyperf JSON")
    output = arguments.group(parser, arguments.OUTPUT)
    arguments.add_saved_argument(output, SAVED_HELP)
    arguments.add_verbose_argument(parser, "round")


def options_parser() -> argparse.ArgumentParser:
    """``explain``'s options (also what ``hb.explain(...)`` checks)."""
    parser = argparse.ArgumentParser(prog=f"{PROG} explain", description=DESCRIPTION)
    arguments.one_line_errors(parser)
    parser.allow_abbrev = False
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


def scenario_argv(args: argparse.Namespace, scenario: Target) -> list[str]:
    """The options that name ``scenario`` alone, for its worker processes."""
    one = copy.copy(args)
    one.handler = one.view = None
    if args.settings is None:
        one.scenarios, one.stack = [scenario.name], None
    else:
        one.scenarios, one.handler, one.stack = [], ["asgi"], [scenario.metadata["stack"]]
    argv: list[str] = []
    forwarder(None, debug=False)(argv, one)
    return argv


def main(argv: Sequence[str], debug: bool) -> int:
    from handlerbench.passes.counting import count_transitions
    from handlerbench.passes.explain import explanation, plan
    from handlerbench.passes.explain.plan import kinds_used
    from handlerbench.passes.explain.rounds import run_rounds
    from handlerbench.passes.paired.suite import runs_suite

    if any(arg == "--saved" or arg.startswith("--saved=") for arg in argv):
        return saved(argv)
    parser = options_parser()
    args = parser.parse_args(list(argv))
    if args.fast or args.rigorous:
        # The preset's budget and precision, unless given too.
        budget, precision = FAST if args.fast else RIGOROUS
        parser.set_defaults(budget=budget, precision=precision)
        args = parser.parse_args(list(argv))
    check_report_outputs(args.report_file, args.plot)
    check_new_output(args.output)
    pairs = explained_targets(args)
    warn_debug([asgi for asgi, _twin in pairs])
    explanations, runs, metadata = [], {}, {}
    for asgi, twin in pairs:
        # Explain's parts are times: its counting passes count hops, not the counters.
        report = count_transitions(asgi, counters=False)
        twin_report = count_transitions(twin, counters=False)
        kinds = kinds_used(report, twin_report)
        made = plan(asgi, twin, resolve_loop(args.loop), kinds)

        def explain(means: list, made=made, report=report, twin_report=twin_report):
            return explanation(made, report, means, twin_report)

        worker_argv = [f"--kinds={','.join(sorted(kinds))}", *scenario_argv(args, asgi)]
        with sigterm_raises():
            rounds = run_rounds(
                worker_argv,
                asgi.name,
                explain,
                pace(args, debug),
                progress if args.verbose else None,
            )
        versions = versions_label(rounds.metadata)
        explanations.append(explanation(made, report, rounds.means, twin_report, versions))
        for name, worker_runs in rounds.runs.items():
            # The hop prices are the same targets for every scenario: their runs add up.
            runs.setdefault(name, []).extend(worker_runs)
        metadata.update({t.name: {**rounds.metadata, **t.metadata} for t in made.targets()})
    show(explanations, args.format, args.plot, args.report_file)
    if args.output:
        write_atomically(args.output, runs_suite(runs, metadata).dump)
    return 0


def progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def worker_parser() -> argparse.ArgumentParser:
    """The hidden ``explain-worker`` command: one scenario's targets, and how to time them."""
    parser = arguments.command_parser("explain-worker", "one round of `explain` (internal)", "-")
    sessions.add_worker_arguments(parser)
    parser.add_argument("--loops", type=json.loads, default={})
    parser.add_argument("--kinds", type=names, default=[])
    return parser


def worker(argv: Sequence[str], debug: bool) -> int:
    """``explain-worker``: one round of one scenario's plan, into ``--result``."""
    from handlerbench.passes.explain import plan
    from handlerbench.passes.explain.rounds import measure_round
    from handlerbench.passes.paired.worker import pin

    args = worker_parser().parse_args(list(argv))
    pin(args.affinity)
    pairs = explained_targets(args)
    if len(pairs) != 1:
        raise UsageError(f"explain-worker explains one scenario; {len(pairs)} given")
    made = plan(*pairs[0], resolve_loop(args.loop), args.kinds)
    measured = measure_round(made.groups(), args.loops, args.values, args.min_time)
    metadata = {
        **made.scenario.metadata,
        "python_version": python_version(),
    }
    with open(args.result, "w") as file:
        json.dump({"targets": measured, "metadata": metadata}, file)
    return 0


def saved(argv: Sequence[str]) -> int:
    """``explain --saved FILE...``: tables and a chart of saved explanations, side by side."""
    from handlerbench.passes.explain import load_explanations

    parser = arguments.one_line_errors(argparse.ArgumentParser(prog=f"{PROG} explain --saved"))
    arguments.add_saved_argument(parser, SAVED_HELP, required=True)
    arguments.add_format_argument(parser, (*FORMATS, "json"), FORMAT_HELP)
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
