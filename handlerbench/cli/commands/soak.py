"""``handlerbench soak``: threads, open fds and RSS over many requests; do they come back?"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from handlerbench.cli import arguments
from handlerbench.cli.targets import refuse_duplicates, targets_from_args, warn_debug
from handlerbench.cli.types import positive
from handlerbench.errors import UsageError


def parser() -> argparse.ArgumentParser:
    """``soak``'s options."""
    parser = arguments.command_parser(
        "soak",
        (
            "Run many requests of each scenario (after a warm-up) and report threads, open "
            "file descriptors and RSS at the start, after each chunk and after closing, with "
            "a verdict per resource: flat or grew. Figures are the whole process's; several "
            "scenarios are soaked one after the other in this one process, so each baseline "
            "holds what the earlier ones left (soak one scenario per run for clean figures)."
        ),
        "none: name one or more",
    )
    arguments.add_requests_argument(
        parser, 100_000, "requests to run per scenario (default: 100000)"
    )
    arguments.group(parser, arguments.MEASUREMENT).add_argument(
        "--checkpoints",
        type=positive,
        default=10,
        metavar="N",
        help="chunks to run them in, with a sample after each (default: 10)",
    )
    arguments.add_loop_argument(parser)
    arguments.add_deadline_argument(parser)
    arguments.add_format_argument(
        parser, ("text", "json"), "text (default), or a JSON list with one object per scenario"
    )
    return parser


def main(argv: Sequence[str], debug: bool) -> int:
    from handlerbench.passes.soak import soak
    from handlerbench.render.soak import format_soak

    args = parser().parse_args(list(argv))
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
            print(("\n" if len(reports) > 1 else "") + format_soak(reports[-1]), flush=True)
    if args.format == "json":
        print(json.dumps([report.to_dict() for report in reports], indent=2))
    return 0
