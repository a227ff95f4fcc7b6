"""The parts of an ASGI request's time, from rounds of measurements and the hop counts.

Each part is a difference or a product of quantities measured in the same
round (one worker process; see ``handlerbench.passes.explain``), taken per
round, so its interval over the rounds is that of a paired difference;
``rest`` is what the parts leave of the measured total, with its own
interval, shown, never hidden.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

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
from handlerbench.results.stats import t_critical


@dataclass
class Part:
    """One part of a request's time, in seconds: its mean over the rounds, and ``ci95``,
    the half-width of its 95% interval."""

    name: str
    seconds: float
    ci95: float
    how: str


@dataclass
class Explanation:
    """One ASGI scenario's measured total and its parts; ``rest`` is what they leave.

    Each figure is the mean over rounds (worker processes that each timed
    every target of the plan, in turn), ``*ci95`` its 95% interval's
    half-width: every part that is a difference is one per round, so it
    is a paired difference with an interval of its own.
    """

    scenario: str
    total: float
    total_ci95: float
    parts: list[Part]
    prices: dict[str, float] = field(default_factory=dict)
    hops: dict[str, int] = field(default_factory=dict)
    # "Django 5.2.19, asgiref 3.13.0, Python 3.11.7": explanations from
    # several environments compare side by side.
    versions: str = ""
    rest_ci95: float = 0.0
    rounds: int = 0
    # What runs after the response is complete (the close hop, request_finished, the
    # context's exit and its threads): inside the total, shown apart, not a part.
    tail: Part | None = None

    @property
    def sum(self) -> float:
        return sum(part.seconds for part in self.parts)

    @property
    def rest(self) -> float:
        return self.total - self.sum

    @property
    def overshoots(self) -> bool:
        """Do the parts exceed the total beyond the rest's interval? Then one is wrong."""
        return self.rest + self.rest_ci95 < 0

    def part(self, name: str) -> Part:
        return next(part for part in self.parts if part.name == name)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Explanation:
        """What ``to_dict`` gave (``explain --format json``), read back."""
        labels = {label: kind for kind, label in KIND_LABELS.items()}
        return cls(
            data["scenario"],
            data["total_us"] / 1e6,
            _seconds(data["total_ci95_us"]),
            [
                Part(p["name"], p["us"] / 1e6, _seconds(p["ci95_us"]), p["how"])
                for p in data["parts"]
            ],
            {labels[label]: us / 1e6 for label, us in data["hop_prices_us"].items()},
            dict(data["hops"]),
            data.get("versions", ""),
            _seconds(data["rest_ci95_us"]),
            int(data.get("rounds", 0)),
            None
            if data.get("tail_us") is None
            else Part(TAIL, data["tail_us"] / 1e6, _seconds(data.get("tail_ci95_us")), TAIL_HOW),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "overshoots": self.overshoots,
            "scenario": self.scenario,
            "rounds": self.rounds,
            "total_us": self.total * 1e6,
            "total_ci95_us": _us(self.total_ci95),
            "parts": [
                {
                    "name": p.name,
                    "us": p.seconds * 1e6,
                    "ci95_us": _us(p.ci95),
                    "share": p.seconds / self.total,
                    "how": p.how,
                }
                for p in self.parts
            ],
            "sum_us": self.sum * 1e6,
            "rest_us": self.rest * 1e6,
            "rest_ci95_us": _us(self.rest_ci95),
            "rest_share": self.rest / self.total,
            "hop_prices_us": {KIND_LABELS[k]: v * 1e6 for k, v in self.prices.items()},
            "hops": dict(self.hops),
            "versions": self.versions,
            "tail_us": None if self.tail is None else self.tail.seconds * 1e6,
            "tail_ci95_us": None if self.tail is None else _us(self.tail.ci95),
        }


def _us(seconds: float) -> float | None:
    """Microseconds for JSON; None for an interval one round cannot give."""
    return None if math.isnan(seconds) else seconds * 1e6


def _seconds(us: float | None) -> float:
    return math.nan if us is None else us / 1e6


# The parts, in the order the table shows them.
DJANGO, CONTEXT, HANDLER, HOPS, SIGNALS = (
    "Django's own work",
    "per-request context and its threads",
    "ASGI handler's own work",
    "middleware and view hops",
    "signal and close hops",
)
TOTAL, REST = "total", "rest"
# What runs after the response is complete: in the total, not a part of its own.
TAIL = "after the response"


def _counted(report: TransitionReport | None, signals_apart: bool) -> dict[tuple[bool, str], int]:
    """Hops by (is a signal or close hop, round-trip kind), counted."""
    counted: dict[tuple[bool, str], int] = {}
    for hop in report.hops if report else ():
        key = (signals_apart and is_signal_hop(hop.name), kind_of(hop.direction, hop.executor))
        counted[key] = counted.get(key, 0) + 1
    return counted


def _priced(counted: dict[tuple[bool, str], int], prices: dict[str, float], signals: bool):
    return sum(n * prices[kind] for (is_signal, kind), n in counted.items() if is_signal == signals)


def round_parts(
    made: Plan,
    report: TransitionReport,
    means: dict[str, float],
    twin_report: TransitionReport | None = None,
) -> dict[str, float]:
    """The total, each part and the rest of one round, from its mean time per target.

    ``twin_report`` counts the WSGI twin's own hops (an async view under WSGI
    makes one, to a new event loop): they are not Django's own work, so
    their price is taken out of the twin's time.
    """
    prices = {kind: means[t.name] for kind, t in made.prices.items()}
    counted, twin = _counted(report, True), _counted(twin_report, False)
    total = means[made.scenario.name]
    signal_hops = _priced(counted, prices, True)
    parts = {
        DJANGO: means[made.twin.name] - _priced(twin, prices, False),
        CONTEXT: total - means[made.shared.name],
        HANDLER: means[made.handler.name] - means[made.twin_handler.name] - signal_hops,
        HOPS: _priced(counted, prices, False),
        SIGNALS: signal_hops,
    }
    figures = {TOTAL: total, **parts, REST: total - sum(parts.values())}
    if TAIL in means:
        figures[TAIL] = means[TAIL]
    return figures


def _hows(made: Plan, report: TransitionReport, twin_report, prices: dict[str, float]) -> dict:
    """How each part was measured, with the mean price of each kind of hop it counts."""

    def priced(counted: dict[tuple[bool, str], int], signals: bool) -> str:
        return ", ".join(
            f"{n} x {KIND_LABELS[kind]} at {prices[kind] * 1e6:,.1f} us"
            for (is_signal, kind), n in sorted(counted.items())
            if is_signal == signals
        )

    counted, twin = _counted(report, True), _counted(twin_report, False)
    django = f"the same request under WSGI ({made.twin.name})"
    if twin:
        django += f" minus its own hops: {priced(twin, False)}"
    return {
        DJANGO: django,
        CONTEXT: f"{made.scenario.name} minus its {SHARED} variant",
        HANDLER: f"the handler alone, without middleware or view ({HANDLER_ONLY}, {SHARED}), "
        "minus the same under WSGI and its signal and close hops",
        HOPS: priced(counted, False) or "no hops",
        SIGNALS: priced(counted, True) or "no hops",
    }


TAIL_HOW = (
    "timed to the response complete and to the return: the close hop, request_finished, "
    "the context's exit"
)


def interval(values: Sequence[float]) -> tuple[float, float]:
    """The mean of ``values`` and its 95% half-width (Student's t); NaN for one value."""
    mean = statistics.fmean(values)
    if len(values) < 2:
        return mean, math.nan
    return mean, t_critical(len(values) - 1) * statistics.stdev(values) / math.sqrt(len(values))


def explanation(
    made: Plan,
    report: TransitionReport,
    rounds: Sequence[dict[str, float]],
    twin_report: TransitionReport | None = None,
    versions: str = "",
) -> Explanation:
    """The parts of ``made.scenario``'s time over ``rounds`` (each a mean time per target).

    Each part is taken per round, then its mean and interval over the rounds.
    """
    per_round = [round_parts(made, report, means, twin_report) for means in rounds]
    figures = {name: interval([r[name] for r in per_round]) for name in per_round[0]}
    prices = {kind: statistics.fmean(r[t.name] for r in rounds) for kind, t in made.prices.items()}
    hows = _hows(made, report, twin_report, prices)
    order = (DJANGO, CONTEXT, HANDLER, HOPS, SIGNALS)
    hops = {
        f"{'signal and close' if signals else 'middleware and view'}: {KIND_LABELS[kind]}": n
        for (signals, kind), n in sorted(_counted(report, True).items())
    }
    return Explanation(
        made.scenario.name,
        *figures[TOTAL],
        [Part(name, *figures[name], hows[name]) for name in order],
        prices,
        hops,
        versions,
        figures[REST][1],
        len(rounds),
        Part(TAIL, *figures[TAIL], TAIL_HOW) if TAIL in figures else None,
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
