"""``handlerbench ab A B``: a live comparison of two targets in interleaved pairs of workers."""

from __future__ import annotations

import argparse
import copy
import json
import os
import shutil
import sys
from collections.abc import Sequence

from handlerbench.cli import arguments, sessions
from handlerbench.cli.forwarding import forwarder
from handlerbench.cli.output import emit
from handlerbench.cli.sessions import pace
from handlerbench.cli.targets import targets_from_args, warn_debug
from handlerbench.errors import HandlerbenchError, UsageError, sigterm_raises
from handlerbench.handlers.scenario import HANDLERS
from handlerbench.results.output import check_new_output, write_atomically

DESCRIPTION = (
    "Compare two targets live: worker processes alternate A and B in pairs (A B, B A, ...), "
    "each pair gives a ratio B/A, and the estimate is their geometric mean with a 95% "
    "interval (Student's t on the log ratios), so the machine's drift cancels. It stops "
    "when the interval is within --precision of the ratio or --budget is spent. A and B are "
    "scenario names; with --settings, HANDLER/STACK or HANDLER/STACK/PATH (default path: "
    "--path). --python-b runs B with another Python (a venv with a Django checkout, "
    "another asgiref) for the same scenario before and after a patch."
)


def parser() -> argparse.ArgumentParser:
    parser = arguments.command_parser("ab", DESCRIPTION, "none: name A and B")
    arguments.add_loop_argument(parser)
    arguments.add_deadline_argument(parser)
    sessions.add_rounds_arguments(parser, budget=120.0, precision=2.0, min_time=0.05, values=6)
    measurement = arguments.group(parser, arguments.MEASUREMENT)
    measurement.add_argument(
        "--python-b", metavar="PYTHON", help="the Python that runs B (default: this one)"
    )
    arguments.add_format_argument(
        parser, ("text", "md", "json"), "plain text (default), Markdown, or JSON"
    )
    arguments.add_output_argument(
        parser, "FILE", "also write both sides as pyperf JSON, the ratio in the metadata"
    )
    output = arguments.group(parser, arguments.OUTPUT)
    output.add_argument(
        "--fail-slower",
        type=float,
        metavar="PCT",
        help="exit 1 when B is slower than A by more than PCT%% even at the interval's "
        "lower bound: a CI gate that knows significance",
    )
    arguments.add_verbose_argument(parser, "pair")
    return parser


def side_args(args: argparse.Namespace, spec: str) -> argparse.Namespace:
    """The options of one side: a scenario name, or with --settings HANDLER/STACK[/PATH]."""
    side = copy.copy(args)
    if args.settings is None:
        side.scenarios = [spec]
        return side
    handler, _, rest = spec.partition("/")
    stack, slash, path = rest.partition("/")
    if handler not in HANDLERS or not stack:
        raise UsageError(
            f"with --settings, A and B are HANDLER/STACK or HANDLER/STACK/PATH "
            f"(asgi/default, wsgi/default-fixed/api/items/), not {spec!r}"
        )
    side.scenarios = []
    side.handler, side.stack = [handler], [stack]
    if slash:
        side.path = "/" + path
    return side


def main(argv: Sequence[str], debug: bool) -> int:
    from handlerbench.passes.paired.session import PairedSession, Side
    from handlerbench.render.paired import format_paired

    args = parser().parse_args(list(argv))
    if len(args.scenarios) != 2:
        raise UsageError(f"ab compares two targets, A and B; {len(args.scenarios)} given")
    if args.fail_slower is not None and not args.fail_slower >= 0:
        raise UsageError(f"--fail-slower {args.fail_slower:g}: must be 0 or more")
    check_new_output(args.output)
    python_b = sys.executable
    if args.python_b:
        python_b = shutil.which(args.python_b) or ""
        if not python_b or not os.access(python_b, os.X_OK):
            raise UsageError(f"--python-b {args.python_b}: no such Python")
    forward = forwarder(None, debug=False)
    sides = []
    for label, spec, python in (
        ("A", args.scenarios[0], sys.executable),
        ("B", args.scenarios[1], python_b),
    ):
        options = side_args(args, spec)
        targets = targets_from_args(options, ())
        if len(targets) != 1:
            raise UsageError(f"{label} {spec!r} names {len(targets)} targets; ab takes one each")
        warn_debug(targets)
        argv_side: list[str] = []
        forward(argv_side, options)
        sides.append(Side(label, targets[0].name, argv_side, python))
    session = PairedSession(*sides, pace(args, debug))

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    with sigterm_raises():
        result = session.run(progress if args.verbose else None)
    if args.format == "json":
        emit(json.dumps(result.to_dict(), indent=2), None)
    else:
        emit(format_paired(result, args.format), None)
    if args.output:
        from handlerbench.passes.paired.suite import suite

        write_atomically(args.output, suite(result).dump)
    slower = args.fail_slower
    if slower is not None and result.estimate.ci_low > 1 + slower / 100:
        raise HandlerbenchError(
            f"ab: B is {result.estimate.ratio - 1:.1%} slower than A (95% interval from "
            f"{result.estimate.ci_low - 1:+.1%}), more than --fail-slower {slower:g}%"
        )
    return 0


def worker_parser() -> argparse.ArgumentParser:
    """The hidden ``ab-worker`` command's options: each side's, and what to measure."""
    parser = arguments.command_parser("ab-worker", "one worker of `ab` (internal)")
    sessions.add_worker_arguments(parser)
    parser.add_argument("--sides", type=json.loads, required=True)
    parser.add_argument("--loops", type=json.loads, default={})
    parser.add_argument("--count", action="store_true")
    return parser


def side_parser() -> argparse.ArgumentParser:
    """One side's own options, as ``ab``'s master forwarded them."""
    parser = arguments.command_parser("ab-worker", "one side of `ab` (internal)", "-")
    arguments.add_loop_argument(parser)
    arguments.add_deadline_argument(parser)
    return parser


def worker(argv: Sequence[str], debug: bool) -> int:
    """``ab-worker``: measure each side as ``ab``'s master asked, into ``--result``."""
    from handlerbench.passes.paired.worker import measure, pin

    args = worker_parser().parse_args(list(argv))
    pin(args.affinity)
    targets = {}
    for label, side_argv in args.sides.items():
        found = targets_from_args(side_parser().parse_args(side_argv), ())
        if len(found) != 1:
            raise UsageError(f"ab-worker times one target a side; {len(found)} given")
        targets[label] = found[0]
    measured = measure(targets, args.loops, args.values, args.min_time, args.count)
    with open(args.result, "w") as file:
        json.dump(measured, file)
    return 0
