"""A paired comparison as ``ab`` prints it: each side, the ratio and its interval, the stop."""

from __future__ import annotations

from handlerbench.passes.paired.session import BUDGET, PRECISION, PairedResult, Side
from handlerbench.render.runs import COUNTER_HEADER, counter_texts
from handlerbench.render.table import render
from handlerbench.results.saved import COUNT_KEYS, versions_label

HEADER = ("side", "us/req", "s2a/req", "a2s/req", "threads/req", *COUNTER_HEADER, "ran on")


def _row(result: PairedResult, side: Side) -> tuple[str, ...]:
    counts = tuple(str(side.metadata.get(key, "-")) for key in COUNT_KEYS)
    counters = counter_texts(side.metadata.get("calls"), side.metadata.get("allocations"))
    mean = result.mean(side.label) * 1e6
    label = f"{side.label}: {side.name}"
    return (label, f"{mean:,.1f}", *counts, *counters, versions_label(side.metadata))


def format_paired(result: PairedResult, fmt: str = "text") -> str:
    """The table of both sides, then the ratio B/A with its 95% interval and the stopping rule."""
    estimate = result.estimate
    table = render(HEADER, [_row(result, result.a), _row(result, result.b)], fmt, text_columns=2)
    if estimate.pairs < 2:
        interval = "no interval from one pair"
    else:
        interval = (
            f"95% interval {estimate.ci_low:.3f}x to {estimate.ci_high:.3f}x, "
            f"+-{estimate.half_width:.1%}; Student's t on the log ratios"
        )
    lines = [
        table,
        "",
        f"B/A: {estimate.ratio:.3f}x ({interval}) from {estimate.pairs} pairs of worker "
        f"processes in {result.seconds:.1f} s",
    ]
    target = f"+-{result.precision:.1%}"
    if result.stopped_by == PRECISION:
        lines.append(f"stopped: the interval reached {target} (--precision)")
    elif result.stopped_by == BUDGET:
        lines.append(
            f"stopped: the budget of {result.budget:g} s was spent"
            + (
                f"; the interval is within {target}"
                if result.precision_reached
                else f" before the interval reached {target}; a longer --budget or a quieter "
                "machine narrows it"
            )
        )
    else:
        lines.append(f"stopped: after {result.estimate.pairs} pairs, the most a session runs")
    return "\n".join(lines)
