"""Rounds of an explanation: worker processes that each time every target of the plan.

A round is one worker process. It builds every target of the plan (the
scenario, its WSGI twin, the variants, the prices of the hop kinds used)
in one process and one Django configuration, runs one warm-up value of
each, then ``values`` passes over them all, the order rotated every pass,
each value of a target ``loops`` requests (calibrated in the first round,
then fixed). Its mean time per target makes one set of parts
(``parts.round_parts``); the session adds rounds until every part is known
to within ``precision`` of the total or a quarter of itself, or the budget
is spent.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from handlerbench.drive.phases import phases
from handlerbench.handlers.target import Target
from handlerbench.passes.counting import is_instrumented
from handlerbench.passes.explain.parts import TAIL, Explanation
from handlerbench.passes.paired.process import Pace, run_worker
from handlerbench.passes.paired.worker import calibrate

MIN_ROUNDS = 4
MAX_ROUNDS = 200
# A part is known well enough when its 95% interval is within this share of itself
# (or within --precision of the total).
PART_PRECISION = 0.25
PRECISION, BUDGET, BY_ROUNDS = "precision", "budget", "rounds"
# Requests a round times to the response and to the return (the tail after the response).
TAIL_REQUESTS = 20


def measure_round(
    groups: Sequence[Sequence[Target]], loops: dict[str, int], values: int, min_time: float
) -> dict[str, Any]:
    """One round, in this process: each target's loops and values (seconds per request).

    The targets of a group (a scenario and the variant it is compared with)
    are timed one right after the other, their order swapped every pass (A B,
    B A, ...), so what the machine does meanwhile falls on both alike.
    """
    if is_instrumented():
        raise RuntimeError("timing while counting patches are installed")
    drivers = {}
    try:
        for target in (target for group in groups for target in group):
            drivers[target.name] = target.build()
        used = {
            name: loops.get(name) or calibrate(driver, min_time) for name, driver in drivers.items()
        }
        for name, driver in drivers.items():
            driver.time(used[name])  # warm-up
        timed: dict[str, list[float]] = {name: [] for name in drivers}
        for n in range(values):
            for group in groups:
                for target in group if n % 2 == 0 else reversed(group):
                    driver = drivers[target.name]
                    timed[target.name].append(driver.time(used[target.name]) / used[target.name])
        scenario = groups[0][0].name
        tail = phases(drivers[scenario], TAIL_REQUESTS)
    finally:
        for driver in drivers.values():
            driver.close()
    measured: dict[str, Any] = {
        name: {"loops": used[name], "values": timed[name]} for name in drivers
    }
    measured[scenario]["response"], measured[scenario]["returned"] = tail.response, tail.returned
    return measured


def precise_enough(explained: Explanation, precision: float) -> bool:
    """Every part, the rest and the total within ``precision`` of the total or a quarter of
    themselves, after at least ``MIN_ROUNDS`` rounds."""
    if explained.rounds < MIN_ROUNDS:
        return False
    floor = precision * explained.total
    figures = [(p.seconds, p.ci95) for p in explained.parts]
    figures += [(explained.rest, explained.rest_ci95), (explained.total, explained.total_ci95)]
    return all(ci95 <= max(floor, PART_PRECISION * abs(value)) for value, ci95 in figures)


@dataclass
class Rounds:
    """What a session measured: the mean per target of each round, the runs, the stop."""

    means: list[dict[str, float]]
    runs: dict[str, list[tuple[int, list[float]]]]
    metadata: dict[str, Any]
    seconds: float
    stopped_by: str


def run_rounds(
    argv: Sequence[str],
    who: str,
    explain: Callable[[list[dict[str, float]]], Explanation],
    pace: Pace | None = None,
    progress: Callable[[str], None] | None = None,
) -> Rounds:
    """Rounds of ``explain-worker *argv`` until ``explain(means)`` is precise enough."""
    pace = pace or Pace(precision=0.03, budget=60.0, values=3)
    started = time.monotonic()
    loops: dict[str, int] = {}
    means: list[dict[str, float]] = []
    runs: dict[str, list[tuple[int, list[float]]]] = {}
    durations: list[float] = []
    metadata: dict[str, Any] = {}
    stopped_by = BY_ROUNDS
    for number in range(MAX_ROUNDS):
        elapsed = time.monotonic() - started
        if not pace.fits(elapsed, durations):
            stopped_by = BUDGET
            break
        round_started = time.monotonic()
        options = [*pace.worker_options(), f"--loops={json.dumps(loops)}"]
        measured = run_worker(
            "explain-worker", [*options, *argv], who, timeout=pace.timeout, debug=pace.debug
        )
        durations.append(time.monotonic() - round_started)
        metadata = measured["metadata"]
        targets = measured["targets"]
        loops = {name: got["loops"] for name, got in targets.items()}
        means.append({name: statistics.fmean(got["values"]) for name, got in targets.items()})
        tail = next((got for got in targets.values() if "response" in got), None)
        if tail is not None:
            means[-1][TAIL] = tail["returned"] - tail["response"]
        for name, got in targets.items():
            runs.setdefault(name, []).append((got["loops"], got["values"]))
        explained = explain(means)
        if progress:
            progress(
                f"{who}: round {number + 1}: {explained.total * 1e6:,.1f} us "
                f"+- {explained.total_ci95 * 1e6:,.1f}"
            )
        if precise_enough(explained, pace.precision):
            stopped_by = PRECISION
            break
    return Rounds(means, runs, metadata, time.monotonic() - started, stopped_by)
