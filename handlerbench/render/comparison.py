"""A comparison as ``compare`` prints it: the table, then the hops added and removed by name.

The counters (Python calls, the allocation peak, instructions) get a column
each, ``before -> after (change)``, when either file has them.
"""

from __future__ import annotations

from collections.abc import Sequence

from handlerbench.render.table import render
from handlerbench.results.compare import Difference
from handlerbench.results.saved import COUNTERS, Result

TITLES = {"calls": "calls/req", "allocations": "alloc peak bytes", "instructions": "instr/req"}


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f}"


def _hops(count: int | None) -> str:
    return "-" if count is None else str(count)


def _counter(d: Difference, name: str) -> str:
    before, after = d.counters_before.get(name), d.counters_after.get(name)
    text = " -> ".join("-" if value is None else f"{value:,.0f}" for value in (before, after))
    change = d.counter_change(name)
    return text if change is None else f"{text} ({change:+.1%})"


def format_comparison(
    before: Result,
    after: Result,
    differences: Sequence[Difference],
    only_before: Sequence[str] = (),
    only_after: Sequence[str] = (),
    fmt: str = "text",
) -> str:
    """A table (us/req before and after, change, significance, hops, counters), then
    hops by name."""
    counters = [
        name
        for name in COUNTERS
        if any(
            d.counters_before.get(name) is not None or d.counters_after.get(name) is not None
            for d in differences
        )
    ]
    header = (
        "scenario",
        f"{before.label} us",
        f"{after.label} us",
        "change",
        "significant",
        "hops",
        *(TITLES[name] for name in counters),
    )
    body = [
        (
            d.name,
            _us(d.before),
            _us(d.after),
            f"{d.change:+.1%}",
            ("yes" if d.significant else "no") if d.testable else "too few values",
            f"{_hops(d.hops_before)} -> {_hops(d.hops_after)}",
            *(_counter(d, name) for name in counters),
        )
        for d in differences
    ]
    lines = [
        f"before: {before.label} ({before.versions()})",
        f"after:  {after.label} ({after.versions()})",
        "",
        render(header, body, fmt),
    ]
    for d in differences:
        for word, names in (("added", d.added), ("removed", d.removed)):
            if names:
                lines.append(f"{d.name}: hops {word}: {', '.join(names)}")
    for word, names in (("only in before", only_before), ("only in after", only_after)):
        if names:
            lines.append(f"{word}: {', '.join(names)}")
    return "\n".join(lines)
