"""The options of the commands that run worker sessions: ``ab``, ``explain`` and ``served``.

How long a paired measurement goes on, what each worker times, and what the
hidden worker commands are told by their master; ``served``'s server and
client. The options every command shares are in ``arguments``.
"""

from __future__ import annotations

import argparse

from handlerbench.cli import types
from handlerbench.cli.arguments import (
    MEASUREMENT,
    add_concurrency_argument,
    add_deadline_argument,
    add_loop_argument,
    group,
)
from handlerbench.passes.paired.process import Pace


def add_rounds_arguments(
    parser: argparse.ArgumentParser,
    budget: float,
    precision: float,
    min_time: float,
    values: int = 3,
) -> None:
    """How long a paired measurement (``ab``, ``explain``) goes on, and what each worker times."""
    options = (
        # flag, type, default, metavar, help
        ("--precision", types.percent, precision / 100, "PCT",
         f"stop when the 95%% interval is within PCT%% (default: {precision:g})"),
        ("--budget", types.seconds, budget, "SECONDS",
         f"stop before the next worker would end past this (default: {budget:g})"),
        ("--values", types.positive, values, "N",
         f"timed values per target in each worker, after one warm-up (default: {values})"),
        ("--min-time", types.seconds, min_time, "SECONDS",
         "what one value lasts at least: the loops are calibrated by the first worker "
         f"(default: {min_time:g})"),
        ("--timeout", types.seconds, 1800.0, "SECONDS",
         "seconds one worker may run before it is stopped (default: 1800)"),
        ("--affinity", types.cpu_list, None, "CPU_LIST",
         "pin the workers (and every thread they start) to these CPUs, 0 or 0-1: steadier "
         "figures, without the cost of hand-offs between cores (default: unpinned)"),
    )  # fmt: skip
    measurement = group(parser, MEASUREMENT)
    for flag, kind, default, metavar, text in options:
        measurement.add_argument(flag, type=kind, default=default, metavar=metavar, help=text)


def add_worker_arguments(parser: argparse.ArgumentParser) -> None:
    """What a hidden worker command (``ab-worker``, ``explain-worker``) is told by its master."""
    add_loop_argument(parser)
    add_deadline_argument(parser)
    parser.add_argument("--result", required=True)
    parser.add_argument("--values", type=types.positive, default=3)
    parser.add_argument("--min-time", type=types.seconds, default=0.05)
    parser.add_argument("--affinity", type=types.names, default=None)


def add_served_arguments(parser: argparse.ArgumentParser) -> None:
    """``served``: which real server, its options, and how long each measurement lasts."""
    add = group(parser, MEASUREMENT).add_argument
    add(
        "--server",
        choices=("uvicorn", "gunicorn"),
        help="the server (default: uvicorn for "
        "asgi, gunicorn for wsgi): uvicorn as uvicorn[standard] runs it, gunicorn one sync worker",
    )
    add(
        "--server-option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="passed to "
        "the server as --KEY VALUE (KEY alone: --KEY): loop=asyncio, http=h11 (repeatable)",
    )
    add_concurrency_argument(
        parser, "the client's connections, each a closed loop; one N (default: 1)"
    )
    add(
        "--seconds",
        type=types.seconds,
        default=3.0,
        metavar="SECONDS",
        help="how long each measurement lasts (default: 3)",
    )
    add(
        "--rounds",
        type=types.positive,
        default=3,
        metavar="N",
        help="rounds of in-process, "
        "served and null served, shuffled; each figure the median over them (default: 3)",
    )


def pace(args: argparse.Namespace, debug: bool, **given: float) -> Pace:
    """The ``Pace`` the options describe (``given`` overrides, as --fast does)."""
    return Pace(
        precision=given.get("precision", args.precision),
        budget=given.get("budget", args.budget),
        values=args.values,
        min_time=args.min_time,
        timeout=args.timeout,
        debug=debug,
        affinity=tuple(args.affinity or ()),
    )
