"""``handlerbench profile``: cProfile (or pyinstrument) of N requests, the top functions."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from handlerbench.cli import arguments
from handlerbench.cli.targets import targets_from_args, warn_debug
from handlerbench.cli.types import positive
from handlerbench.errors import UsageError
from handlerbench.results.output import check_directory


def parser() -> argparse.ArgumentParser:
    """``profile``'s options (also what ``hb.profile(...)`` accepts)."""
    from handlerbench.passes.profiling import PROFILERS, SORT_KEYS

    parser = arguments.command_parser(
        "profile",
        (
            "Profile N requests of one scenario (after a warm-up) and print the top "
            "functions. cProfile sees every thread a request runs code in, the executor "
            "threads of ASGI included; pyinstrument (the profile extra) samples only the "
            "event loop's thread. Times under a profiler are inflated: `run` gives figures."
        ),
        "none: name one, or --settings with one --handler",
    )
    arguments.add_requests_argument(parser, 1000, "requests to profile (default: 1000)")
    arguments.add_loop_argument(parser)
    arguments.add_deadline_argument(parser)
    arguments.group(parser, arguments.MEASUREMENT).add_argument(
        "--profiler", choices=PROFILERS, default="cprofile", help="(default: cprofile)"
    )
    output = arguments.group(parser, arguments.OUTPUT)
    output.add_argument(
        "--top", type=positive, default=25, metavar="N", help="functions to print (default: 25)"
    )
    output.add_argument(
        "--sort",
        choices=SORT_KEYS,
        default="cumulative",
        metavar="KEY",
        help="a pstats sort key: cumulative (default), tottime, calls, ...",
    )
    arguments.add_output_argument(parser, "FILE.pstats", "also write the cProfile stats to a file")
    return parser


def main(argv: Sequence[str], debug: bool) -> int:
    from handlerbench.passes.profiling import profile_target
    from handlerbench.render.profile import format_profile

    args = parser().parse_args(list(argv))
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
    print(format_profile(result, args.top, args.sort))
    return 0
