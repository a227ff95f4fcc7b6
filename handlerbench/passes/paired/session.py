"""The paired session: alternate A and B workers until the ratio is precise enough or time is up.

A pair is one worker process timing both sides in turn, value by value
(A B, B A, ...), when they run on one Python; with ``--python-b`` it is a
worker of each side, the order swapped every pair (A B, then B A ...), so
neither side always runs first (asv's ``--interleave-processes``). The
first worker calibrates the loops and runs the counting pass; later ones
reuse the loops. After each pair the estimate is updated; the session stops at the
first of: the interval within ``precision`` of the ratio (after at least
``MIN_PAIRS`` pairs), the next pair not fitting in ``budget`` seconds, or
``MAX_PAIRS``.
"""

from __future__ import annotations

import json
import math
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from handlerbench.passes.paired.process import Pace, linked_package, run_worker
from handlerbench.results.stats import RatioEstimate, ratio_estimate

MIN_PAIRS = 4
MAX_PAIRS = 500
PRECISION, BUDGET, BY_PAIRS = "precision", "budget", "pairs"


@dataclass
class Side:
    """One side of the comparison: the worker's target options and the Python that runs it."""

    label: str
    name: str
    argv: list[str]
    python: str = sys.executable
    # Set from the side's first worker.
    loops: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Measurement:
    """What one worker process measured: seconds per request of each value."""

    label: str
    loops: int
    values: tuple[float, ...]

    @property
    def mean(self) -> float:
        return statistics.fmean(self.values)


@dataclass
class PairedResult:
    """A finished session: every measurement, the pair ratios, the estimate, why it stopped."""

    a: Side
    b: Side
    measurements: list[Measurement]
    ratios: list[float]
    estimate: RatioEstimate
    seconds: float
    stopped_by: str
    precision: float
    budget: float

    @property
    def precision_reached(self) -> bool:
        return self.estimate.half_width <= self.precision

    def side_values(self, label: str) -> list[float]:
        return [v for m in self.measurements if m.label == label for v in m.values]

    def mean(self, label: str) -> float:
        return statistics.fmean(self.side_values(label))

    def to_dict(self) -> dict[str, Any]:
        def side(s: Side) -> dict[str, Any]:
            return {
                "name": s.name,
                "mean": self.mean(s.label),
                "mean_us": self.mean(s.label) * 1e6,
                "loops": s.loops,
                "workers": sum(m.label == s.label for m in self.measurements),
                "python": s.python,
                "metadata": s.metadata,
            }

        return {
            "a": side(self.a),
            "b": side(self.b),
            "ratio": _finite(self.estimate.ratio),
            "ci_low": _finite(self.estimate.ci_low),
            "ci_high": _finite(self.estimate.ci_high),
            "interval": "95%, Student's t on the log of each pair's ratio B/A",
            "pairs": self.estimate.pairs,
            "pair_ratios": self.ratios,
            "precision": self.precision,
            "half_width": _finite(self.estimate.half_width),
            "precision_reached": self.precision_reached,
            "stopped_by": self.stopped_by,
            "budget": self.budget,
            "seconds": self.seconds,
        }


def _finite(value: float) -> float | None:
    """A number for JSON; None where one pair gives no interval (infinite, or NaN)."""
    return value if math.isfinite(value) else None


def schedule(pair: int) -> tuple[str, str]:
    """The order of the workers of pair ``pair``: A B, B A, A B, ..."""
    return ("A", "B") if pair % 2 == 0 else ("B", "A")


def should_stop(estimate: RatioEstimate, precision: float) -> bool:
    """The precision rule: enough pairs, and the interval within ``precision`` of the ratio."""
    return estimate.pairs >= MIN_PAIRS and estimate.half_width <= precision


class PairedSession:
    """Runs the workers of ``a`` and ``b`` in alternating pairs (see the module)."""

    def __init__(self, a: Side, b: Side, pace: Pace | None = None) -> None:
        self.sides = {"A": a, "B": b}
        self.pace = pace or Pace()
        self._linked = ""

    def run(self, progress: Callable[[str], None] | None = None) -> PairedResult:
        """Run pairs until a stopping rule holds; ``progress`` gets a line after each pair."""
        with linked_package() as directory:
            self._linked = directory
            return self._run(progress)

    def _run(self, progress: Callable[[str], None] | None) -> PairedResult:
        started = time.monotonic()
        measurements: list[Measurement] = []
        ratios: list[float] = []
        durations: list[float] = []
        estimate = ratio_estimate([])
        stopped_by = BY_PAIRS
        for pair in range(MAX_PAIRS):
            elapsed = time.monotonic() - started
            if not self.pace.fits(elapsed, durations):
                stopped_by = BUDGET
                break
            pair_started = time.monotonic()
            done = self._pair(schedule(pair))
            durations.append(time.monotonic() - pair_started)
            measurements += [done[label] for label in schedule(pair)]
            ratios.append(done["B"].mean / done["A"].mean)
            estimate = ratio_estimate(ratios)
            if progress:
                progress(
                    f"pair {pair + 1}: B/A {ratios[-1]:.4f}; estimate {estimate.ratio:.4f} "
                    f"(+-{estimate.half_width:.1%})"
                )
            if should_stop(estimate, self.pace.precision):
                stopped_by = PRECISION
                break
        a, b = self.sides["A"], self.sides["B"]
        return PairedResult(
            a,
            b,
            measurements,
            ratios,
            estimate,
            time.monotonic() - started,
            stopped_by,
            self.pace.precision,
            self.pace.budget,
        )

    def _pair(self, order: tuple[str, str]) -> dict[str, Measurement]:
        """One pair: both sides in one worker when they run on one Python, else one each."""
        if self.sides["A"].python == self.sides["B"].python:
            return self._worker(order)
        return {label: self._worker((label,))[label] for label in order}

    def _worker(self, labels: Sequence[str]) -> dict[str, Measurement]:
        """Run one worker process of the sides ``labels`` (the first starts); what it
        measured of each, or its one-line error raised."""
        sides = [self.sides[label] for label in labels]
        first = any(side.loops == 0 for side in sides)
        argv = [
            f"--sides={json.dumps({side.label: side.argv for side in sides})}",
            f"--loops={json.dumps({side.label: side.loops for side in sides})}",
            *self.pace.worker_options(),
            *(["--count"] if first else []),
        ]
        who = " and ".join(f"{side.label} ({side.name})" for side in sides)
        measured = run_worker(
            "ab-worker",
            argv,
            who,
            sides[0].python,
            self.pace.timeout,
            self.pace.debug,
            self._linked,
        )
        done = {}
        for side in sides:
            got = measured[side.label]
            if first:
                side.loops, side.metadata, side.name = got["loops"], got["metadata"], got["name"]
            done[side.label] = Measurement(side.label, got["loops"], tuple(got["values"]))
        return done
