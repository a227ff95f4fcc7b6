"""``handlerbench transitions``: count and name every sync/async hop of one request.

With the counters of a request beside them: Python calls and allocations,
and with ``--instructions`` CPU instructions, counted in child processes
under valgrind (each a ``transitions`` with the hidden ``--instructions-child
N NAME``: the same options, N requests of the one target NAME).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence

from handlerbench.cli import arguments
from handlerbench.cli.output import emit
from handlerbench.cli.targets import refuse_duplicates, targets_from_args, warn_debug
from handlerbench.errors import HandlerbenchError
from handlerbench.handlers import scenario
from handlerbench.results.output import check_directory


def parser() -> argparse.ArgumentParser:
    """``transitions``' options (also what ``hb.transitions(...)`` accepts)."""
    parser = arguments.command_parser(
        "transitions",
        (
            "Count every sync_to_async / async_to_sync hop one request makes, with what "
            "each wrapped, the threads started and the executors created; and the Python "
            "calls and memory one request takes (--instructions: and its CPU instructions)."
        ),
        "hello world under both handlers, stacks none, default and default-fixed",
    )
    arguments.add_requests_argument(
        parser,
        3,
        "record N requests after a warm-up and check they agree (default: 3)",
        kind=int,
    )
    arguments.add_deadline_argument(parser)
    arguments.add_instructions_arguments(parser)
    arguments.add_format_argument(
        parser, ("text", "json"), "text (default), or a JSON list with one object per scenario"
    )
    arguments.add_output_argument(parser, "FILE", "write the report to FILE instead of stdout")
    return parser


def main(argv: Sequence[str], debug: bool) -> int:
    from handlerbench.passes.counting import count_transitions
    from handlerbench.passes.counting.valgrind import valgrind
    from handlerbench.render.transitions import format_report

    args = parser().parse_args(list(argv))
    if args.instructions_child:
        return instructions_child(args)
    if args.output:
        check_directory(args.output, "-o")
    targets = targets_from_args(args, scenario.transition_scenarios())
    warn_debug(targets)
    refuse_duplicates(targets)
    if args.instructions:
        valgrind()  # missing: one line, before anything is counted
    reports = [count_transitions(target, requests=args.requests) for target in targets]
    if args.instructions:
        count_instructions(args, reports, debug)
    if args.format == "json":
        text = json.dumps([report.to_dict() for report in reports], indent=2)
    else:
        text = "\n\n".join(format_report(report) for report in reports)
    emit(text, args.output)
    return 0


def count_instructions(args: argparse.Namespace, reports: list, debug: bool) -> None:
    """Each report's instructions per request: its target run under valgrind twice."""
    from handlerbench.cli.forwarding import forwarder
    from handlerbench.passes.counting.valgrind import instructions_per_request, method

    forwarded: list[str] = []
    forwarder(None, debug)(forwarded, args)
    for report in reports:

        def command(requests: int, name: str = report.scenario) -> list[str]:
            return [
                sys.executable,
                *("-m", "handlerbench", "transitions"),
                *forwarded,
                *("--instructions-child", str(requests), name),
            ]

        report.counters.instructions = instructions_per_request(command, report.scenario)
        report.counters.instructions_method = method()


def instructions_child(args: argparse.Namespace) -> int:
    """Run under valgrind: N requests of the one target named, without the deadline
    watchdog (its parent bounds the run instead); nothing printed."""
    from handlerbench.passes.counting.valgrind import end_child, run_requests

    requests, name = args.instructions_child
    args.deadline = math.inf
    every = targets_from_args(args, scenario.transition_scenarios())
    targets = [target for target in every if target.name == name]
    if len(targets) != 1:
        raise HandlerbenchError(f"--instructions-child: no single target named {name!r}")
    run_requests(targets[0], int(requests))
    end_child()
