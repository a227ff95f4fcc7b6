"""Before and after: the time change with its significance, and the hops added and removed.

Times are compared the way ``pyperf compare_to`` does it, with a two-sample
t-test at 95% (Welch's, which does not assume equal variances) over every
value of each benchmark. Hops are exact, so any difference in them is
reported by name. The counters (Python calls, the allocation peak,
instructions) nearly repeat, so a rise beyond a percentage is a rule too.
``broken_rules`` turns the comparison into a CI gate.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pyperf

from handlerbench.results.saved import COUNTERS, Result, counter, hop_names, hops
from handlerbench.results.stats import t_critical


def significant(before: Sequence[float], after: Sequence[float]) -> bool:
    """Do the means differ at 95%? Welch's t-test; too few values is never significant."""
    if len(before) < 2 or len(after) < 2:
        return False
    va, vb = statistics.variance(before) / len(before), statistics.variance(after) / len(after)
    if va + vb == 0:
        return statistics.fmean(before) != statistics.fmean(after)
    t = abs(statistics.fmean(before) - statistics.fmean(after)) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (len(before) - 1) + vb**2 / (len(after) - 1))
    return t > t_critical(df)


@dataclass
class Difference:
    """One scenario in both runs: times, whether they differ, hop counts and names."""

    name: str
    before: float
    after: float
    significant: bool
    hops_before: int | None
    hops_after: int | None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # Both sides have at least two values, so significance can be judged.
    testable: bool = True
    # Each counter per request (``COUNTERS``), None where a file lacks it.
    counters_before: dict[str, float | None] = field(default_factory=dict)
    counters_after: dict[str, float | None] = field(default_factory=dict)

    @property
    def change(self) -> float:
        """Relative change of the mean time: +0.10 is 10% slower."""
        return self.after / self.before - 1

    def counter_change(self, name: str) -> float | None:
        """Relative change of a counter: +0.10 is 10% more; None if a file lacks it."""
        before, after = self.counters_before.get(name), self.counters_after.get(name)
        if before is None or after is None:
            return None
        if before == 0:
            return 0.0 if after == 0 else math.inf
        return after / before - 1


def difference(name: str, before: pyperf.Benchmark, after: pyperf.Benchmark) -> Difference:
    names_before, names_after = hop_names(before), hop_names(after)
    return Difference(
        name,
        before.mean(),
        after.mean(),
        significant(before.get_values(), after.get_values()),
        hops(before),
        hops(after),
        sorted((names_after - names_before).elements()),
        sorted((names_before - names_after).elements()),
        min(before.get_nvalue(), after.get_nvalue()) >= 2,
        {name: counter(before, name) for name in COUNTERS},
        {name: counter(after, name) for name in COUNTERS},
    )


def compare(before: Result, after: Result) -> tuple[list[Difference], list[str], list[str]]:
    """Differences for the scenarios in both; the names only in BEFORE, and only in AFTER."""
    common = [name for name in before.benchmarks if name in after.benchmarks]
    differences = [difference(n, before.benchmarks[n], after.benchmarks[n]) for n in common]
    only_before = [n for n in before.benchmarks if n not in after.benchmarks]
    only_after = [n for n in after.benchmarks if n not in before.benchmarks]
    return differences, only_before, only_after


def broken_rules(
    differences: Sequence[Difference],
    max_slowdown: float | None = None,
    no_new_hops: bool = False,
    max_increase: Mapping[str, float] | None = None,
) -> list[str]:
    """Which scenario broke which rule, one phrase each; empty when all is well.

    ``max_increase`` maps a counter to the most it may rise, in percent; a
    scenario that lacks the counter in a file breaks the rule (it cannot be
    judged, so it must not pass silently).
    """
    broken = []
    for d in differences:
        if max_slowdown is not None and not d.testable:
            # A gate that cannot judge must not pass silently.
            broken.append(f"{d.name} has fewer than 2 values in a file (--max-slowdown)")
        if max_slowdown is not None and d.significant and d.change * 100 > max_slowdown:
            broken.append(f"{d.name} is {d.change:.1%} slower (--max-slowdown {max_slowdown:g})")
        more = (
            d.hops_before is not None and d.hops_after is not None and d.hops_after > d.hops_before
        )
        if no_new_hops and more:
            added = f": {', '.join(d.added)}" if d.added else ""
            broken.append(
                f"{d.name} makes {d.hops_after} hops, {d.hops_before} before (--no-new-hops){added}"
            )
        broken += _counter_rules(d, max_increase or {})
    return broken


def _counter_rules(d: Difference, max_increase: Mapping[str, float]) -> list[str]:
    """``--max-increase``: each counter may rise at most its percentage."""
    broken = []
    for name, limit in max_increase.items():
        rule = f"--max-increase {name}={limit:g}"
        missing = [
            side
            for side, values in (("BEFORE", d.counters_before), ("AFTER", d.counters_after))
            if values.get(name) is None
        ]
        if missing:
            broken.append(f"{d.name} has no {name} count in {' and '.join(missing)} ({rule})")
            continue
        change = d.counter_change(name)
        if change is not None and change * 100 > limit:
            broken.append(
                f"{d.name} has {change:.1%} more {name} per request "
                f"({d.counters_before[name]:,.0f} -> {d.counters_after[name]:,.0f}; {rule})"
            )
    return broken
