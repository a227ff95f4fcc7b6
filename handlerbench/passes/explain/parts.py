"""The parts of an ASGI request's time, from one run's benchmarks and hop counts.

Each part is a difference or a product of quantities measured in the same
run (see ``handlerbench.passes.explain``); ``rest`` is what they leave of
the measured total, shown with its noise, never hidden.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pyperf

from handlerbench.errors import HandlerbenchError
from handlerbench.passes.counting import TransitionReport
from handlerbench.passes.explain.kinds import (
    HANDLER_ONLY,
    KIND_LABELS,
    SHARED,
    is_signal_hop,
    kind_of,
)
from handlerbench.passes.explain.plan import Plan
from handlerbench.results.saved import stdev, versions_label


@dataclass
class Part:
    """One part of a request's time, in seconds, with its standard deviation."""

    name: str
    seconds: float
    stdev: float
    how: str


@dataclass
class Explanation:
    """One ASGI scenario's measured total and its parts; ``rest`` is what they leave."""

    scenario: str
    total: float
    total_stdev: float
    parts: list[Part]
    prices: dict[str, float] = field(default_factory=dict)
    hops: dict[str, int] = field(default_factory=dict)
    # "Django 5.2.19, asgiref 3.13.0, Python 3.11.7": explanations from
    # several environments compare side by side.
    versions: str = ""

    @property
    def sum(self) -> float:
        return sum(part.seconds for part in self.parts)

    @property
    def rest(self) -> float:
        return self.total - self.sum

    @property
    def rest_stdev(self) -> float:
        return math.sqrt(self.total_stdev**2 + sum(p.stdev**2 for p in self.parts))

    @property
    def overshoots(self) -> bool:
        """Do the parts exceed the total by more than twice the noise? Then one is wrong."""
        return self.rest < -2 * self.rest_stdev

    def part(self, name: str) -> Part:
        return next(part for part in self.parts if part.name == name)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Explanation:
        """What ``to_dict`` gave (``explain --format json``), read back."""
        labels = {label: kind for kind, label in KIND_LABELS.items()}
        return cls(
            data["scenario"],
            data["total_us"] / 1e6,
            data["total_stdev_us"] / 1e6,
            [Part(p["name"], p["us"] / 1e6, p["stdev_us"] / 1e6, p["how"]) for p in data["parts"]],
            {labels[label]: us / 1e6 for label, us in data["hop_prices_us"].items()},
            dict(data["hops"]),
            data.get("versions", ""),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "overshoots": self.overshoots,
            "scenario": self.scenario,
            "total_us": self.total * 1e6,
            "total_stdev_us": self.total_stdev * 1e6,
            "parts": [
                {
                    "name": p.name,
                    "us": p.seconds * 1e6,
                    "stdev_us": p.stdev * 1e6,
                    "share": p.seconds / self.total,
                    "how": p.how,
                }
                for p in self.parts
            ],
            "sum_us": self.sum * 1e6,
            "rest_us": self.rest * 1e6,
            "rest_share": self.rest / self.total,
            "hop_prices_us": {KIND_LABELS[k]: v * 1e6 for k, v in self.prices.items()},
            "hops": dict(self.hops),
            "versions": self.versions,
        }


def _mean(benchmark: pyperf.Benchmark) -> tuple[float, float]:
    return benchmark.mean(), stdev(benchmark, 0.0)


def _priced(kinds: dict[str, int], prices: dict[str, tuple[float, float]]) -> tuple:
    """Seconds and stdev of ``kinds`` hops (kind -> count), and how they were priced."""
    seconds = sum(n * prices[kind][0] for kind, n in kinds.items())
    stdev = sum(n * prices[kind][1] for kind, n in kinds.items())
    how = ", ".join(
        f"{n} x {KIND_LABELS[kind]} at {prices[kind][0] * 1e6:,.1f} us"
        for kind, n in sorted(kinds.items())
    )
    return seconds, stdev, how


def explanation(
    made: Plan,
    report: TransitionReport,
    benchmarks: dict[str, pyperf.Benchmark],
    twin_report: TransitionReport | None = None,
) -> Explanation:
    """The parts of ``made.scenario``'s time from this run's benchmarks and hop reports.

    ``twin_report`` counts the WSGI twin's own hops (an async view under WSGI
    makes one, to a new event loop): they are not Django's own work, so
    their price is taken out of the twin's time.
    """
    total, total_stdev = _mean(benchmarks[made.scenario.name])
    twin, twin_stdev = _mean(benchmarks[made.twin.name])
    shared, shared_stdev = _mean(benchmarks[made.shared.name])
    prices = {kind: _mean(benchmarks[t.name]) for kind, t in made.prices.items()}
    counted: dict[tuple[bool, str], int] = {}
    for hop in report.hops:
        key = (is_signal_hop(hop.name), kind_of(hop.direction, hop.executor))
        counted[key] = counted.get(key, 0) + 1
    twin_kinds: dict[str, int] = {}
    for hop in twin_report.hops if twin_report else ():
        kind = kind_of(hop.direction, hop.executor)
        twin_kinds[kind] = twin_kinds.get(kind, 0) + 1
    twin_hops, twin_hops_stdev, twin_how = _priced(twin_kinds, prices)
    how = f"the same request under WSGI ({made.twin.name})"
    if twin_kinds:
        how += f" minus its own hops: {twin_how}"
    parts = [
        Part(
            "Django's own work",
            twin - twin_hops,
            math.sqrt(twin_stdev**2 + twin_hops_stdev**2),
            how,
        ),
        Part(
            "per-request context and its threads",
            total - shared,
            math.sqrt(total_stdev**2 + shared_stdev**2),
            f"{made.scenario.name} minus its {SHARED} variant",
        ),
    ]
    hop_parts = []
    for signals, name in ((False, "middleware and view hops"), (True, "signal and close hops")):
        kinds = {kind: n for (is_signal, kind), n in counted.items() if is_signal == signals}
        seconds, stdev, how = _priced(kinds, prices)
        hop_parts.append(Part(name, seconds, stdev, how or "no hops"))
    handler, handler_stdev = _mean(benchmarks[made.handler.name])
    twin_handler, twin_handler_stdev = _mean(benchmarks[made.twin_handler.name])
    signal_hops = hop_parts[1]
    parts.append(
        Part(
            "ASGI handler's own work",
            handler - twin_handler - signal_hops.seconds,
            math.sqrt(handler_stdev**2 + twin_handler_stdev**2 + signal_hops.stdev**2),
            f"the handler alone, without middleware or view ({HANDLER_ONLY}, {SHARED}), "
            "minus the same under WSGI and its signal and close hops",
        )
    )
    parts += hop_parts
    hops = {
        f"{'signal and close' if signals else 'middleware and view'}: {KIND_LABELS[kind]}": n
        for (signals, kind), n in sorted(counted.items())
    }
    return Explanation(
        made.scenario.name,
        total,
        total_stdev,
        parts,
        {kind: price for kind, (price, _stdev) in prices.items()},
        hops,
        versions_label(benchmarks[made.scenario.name].get_metadata()),
    )


def load_explanations(paths: Sequence[str]) -> list[Explanation]:
    """Explanations saved by ``explain --format json --report-file FILE``; one line on error."""
    loaded = []
    for path in paths:
        try:
            with open(path) as file:
                items = json.load(file)
            if not isinstance(items, list) or not items:
                raise ValueError("expected a list of explanations")
            explained = [Explanation.from_dict(item) for item in items]
            if any(not e.total > 0 for e in explained):
                raise ValueError("a total is not a positive time")
            loaded += explained
        except FileNotFoundError:
            raise HandlerbenchError(f"{path}: no such file") from None
        except OSError as exc:
            raise HandlerbenchError(f"{path}: cannot read it ({exc.strerror})") from None
        except (ValueError, KeyError, TypeError) as exc:
            raise HandlerbenchError(
                f"{path}: not a saved explanation (explain --format json --report-file): {exc}"
            ) from None
    return loaded
