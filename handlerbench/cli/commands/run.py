"""``handlerbench run``: time scenarios with pyperf and print a table."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from handlerbench.cli import arguments
from handlerbench.cli.program import WORKER_TIMEOUT, pyperf_program, quiet_unless_verbose
from handlerbench.cli.targets import targets_from_args, warn_debug
from handlerbench.errors import PROG
from handlerbench.handlers import scenario
from handlerbench.render.runs import summary
from handlerbench.render.table import FORMATS
from handlerbench.results.output import safe_pyperf_output

DESCRIPTION = (
    "Time scenarios (handler/stack/view) through Django's real WSGIHandler and "
    "ASGIHandler with pyperf, then print mean +- std dev per request. Every run has "
    "deadlines: --deadline per request, pyperf's --timeout per worker (default: "
    f"{WORKER_TIMEOUT:g} s). -o and --append files are written whole or not at all."
)


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """handlerbench's own ``run`` options, added to pyperf's parser."""
    arguments.add_target_arguments(parser, "the four with stack 'none'")
    arguments.add_request_arguments(parser)
    arguments.add_load_arguments(parser)
    arguments.add_format_argument(
        parser, FORMATS, "the summary table as plain text (default) or Markdown"
    )


def options_parser() -> argparse.ArgumentParser:
    """``run``'s own options without pyperf's (what ``hb.run(...)`` checks keywords against)."""
    parser = argparse.ArgumentParser(prog=f"{PROG} run")
    add_run_arguments(parser)
    return parser


def main(argv: Sequence[str], debug: bool) -> int:
    from handlerbench.passes.timing import bench_targets

    runner, plan, args, deadline = pyperf_program(
        argv, "run", DESCRIPTION, add_run_arguments, debug
    )
    targets = targets_from_args(args, scenario.default_scenarios())
    if not args.worker:
        warn_debug(targets)
    with safe_pyperf_output(args), quiet_unless_verbose(args):
        benchmarks = bench_targets(runner, targets, args.concurrency or [1], deadline, plan=plan)
    if not args.worker and benchmarks:
        if args.verbose:
            print()
        print(summary(benchmarks, args.format))
    return 0
