"""``handlerbench transitions``: count and name every sync/async hop of one request."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from handlerbench.cli import arguments
from handlerbench.cli.output import emit
from handlerbench.cli.targets import refuse_duplicates, targets_from_args, warn_debug
from handlerbench.handlers import scenario
from handlerbench.results.output import check_directory


def parser() -> argparse.ArgumentParser:
    """``transitions``' options (also what ``hb.transitions(...)`` accepts)."""
    parser = arguments.command_parser(
        "transitions",
        (
            "Count every sync_to_async / async_to_sync hop one request makes, with what "
            "each wrapped, the threads started and the executors created."
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
    arguments.add_format_argument(
        parser, ("text", "json"), "text (default), or a JSON list with one object per scenario"
    )
    arguments.add_output_argument(parser, "FILE", "write the report to FILE instead of stdout")
    return parser


def main(argv: Sequence[str], debug: bool) -> int:
    from handlerbench.passes.counting import count_transitions
    from handlerbench.render.transitions import format_report

    args = parser().parse_args(list(argv))
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
