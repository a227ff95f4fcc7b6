"""Across saved runs: one row per scenario, one column per file (``report``).

Beside each file's times, its counters (Python calls per request, the
allocation peak in KiB) when any file has them: files saved before the
counters existed print the table they always did.
"""

from __future__ import annotations

from collections.abc import Sequence

from handlerbench.render.table import render
from handlerbench.results.saved import Result, counter, hop_names, hops, scenario_names

# The counters shown beside each file's times: metadata key, column, cell.
COUNTER_COLUMNS = (
    ("calls", "calls/req", lambda calls: f"{calls:,.0f}"),
    ("allocations", "alloc peak KiB", lambda allocations: f"{allocations / 1024:,.1f}"),
)


def _agreement(values: list) -> str:
    """``same``, or ``differ: LOW-HIGH`` over the files that have the value."""
    known = sorted({value for value in values if value is not None})
    if not known:
        return "-"
    return "same" if len(known) == 1 else f"differ: {known[0]}-{known[-1]}"


def format_results(results: Sequence[Result], fmt: str = "text") -> str:
    """Across files: one row per scenario, one column per file, ``us/req (hops)`` per cell,
    each followed by the file's counters when any file has them.

    The last columns say whether hops (count, else names) and threads per
    request differ between files: what a Django or asgiref release changing
    the request path shows as.
    """
    present_counters = [
        column
        for column in COUNTER_COLUMNS
        if any(counter(b, column[0]) is not None for r in results for b in r.benchmarks.values())
    ]
    header = ["scenario"]
    for result in results:
        header += [result.label, *(title for _, title, _ in present_counters)]
    header += ["hops", "threads/req"]
    body = []
    for name in scenario_names(list(results)):
        row: list[str] = [name]
        present = [r.benchmarks[name] for r in results if name in r.benchmarks]
        for result in results:
            benchmark = result.benchmarks.get(name)
            if benchmark is None:
                row += ["-"] * (1 + len(present_counters))
                continue
            count = hops(benchmark)
            row.append(f"{benchmark.mean() * 1e6:,.1f} ({'-' if count is None else count})")
            for key, _, cell in present_counters:
                value = counter(benchmark, key)
                row.append("-" if value is None else cell(value))
        hop_agreement = _agreement([hops(b) for b in present])
        if hop_agreement == "same" and len({tuple(sorted(hop_names(b))) for b in present}) > 1:
            hop_agreement = "same count, names differ"
        threads = [b.get_metadata().get("threads_started") for b in present]
        row += [hop_agreement, _agreement(threads)]
        body.append(row)
    legend = [f"{result.label}: {result.versions()}" for result in results]
    note = (
        "cells: mean us per request (for NAME@c=N: 1 / throughput, not latency) "
        "(sync_to_async + async_to_sync per request)"
    )
    if present_counters:
        note += (
            "; calls/req: Python calls per request; alloc peak KiB: tracemalloc's peak "
            "above the request's baseline"
        )
    return "\n".join([render(header, body, fmt), "", note, *legend])
