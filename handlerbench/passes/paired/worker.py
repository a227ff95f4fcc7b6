"""One worker process of a paired comparison: calibrate (or take the loops given), time, report.

A worker builds the checked driver of each side it is given (both, when A
and B run on one Python; one, with ``--python-b``), finds the loops that
make one value last ``min_time`` seconds (only in the first worker; later
ones get those loops, so every value of a side times the same work), runs
one warm-up value of each, then ``values`` values of each, alternating the
sides (A B, B A, ...) so what the machine does meanwhile falls on both.
With ``count`` it first runs the counting pass of each side, so its hops
and threads come from its own interpreter and versions.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from handlerbench.compat import python_version
from handlerbench.handlers.target import Target
from handlerbench.passes.counting import count_transitions, is_instrumented

# Calibration never goes past this many loops per value.
MAX_LOOPS = 2**24


def pin(cpus: Sequence[str] | None) -> None:
    """Run this process, and every thread it starts from now on, on ``cpus`` only."""
    if cpus:
        os.sched_setaffinity(0, {int(cpu) for cpu in cpus})


def calibrate(driver: Any, min_time: float) -> int:
    """The loops (a power of two) that make one timed value last at least ``min_time`` s."""
    loops = 1
    while loops < MAX_LOOPS:
        if driver.time(loops) >= min_time:
            return loops
        loops *= 2
    return loops


def measure(
    targets: dict[str, Target],
    loops: dict[str, int],
    values: int,
    min_time: float,
    count: bool,
) -> dict[str, dict[str, Any]]:
    """What one worker measured of each side (by label, in the order given, which starts
    every other pass): its seconds per request of each value, loops and metadata.

    A side without loops calibrates first. The counting pass (``count``)
    runs before any timing, its patches removed again; timing refuses to
    run otherwise.
    """
    python = python_version()
    metadata = {label: {**t.metadata, "python_version": python} for label, t in targets.items()}
    if count:
        for label, target in targets.items():
            metadata[label].update(count_transitions(target).metadata())
    if is_instrumented():
        raise RuntimeError("timing while counting patches are installed")
    drivers = {}
    try:
        for label, target in targets.items():
            drivers[label] = target.build()
        used = {label: loops.get(label) or calibrate(d, min_time) for label, d in drivers.items()}
        for label, driver in drivers.items():
            driver.time(used[label])  # warm-up
        timed: dict[str, list[float]] = {label: [] for label in drivers}
        order = list(drivers)
        for n in range(values):
            for label in order if n % 2 == 0 else reversed(order):
                timed[label].append(drivers[label].time(used[label]) / used[label])
    finally:
        for driver in drivers.values():
            driver.close()
    return {
        label: {
            "name": targets[label].name,
            "loops": used[label],
            "values": timed[label],
            "metadata": metadata[label],
        }
        for label in order
    }
