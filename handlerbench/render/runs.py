"""The table a run ends with: one row per scenario, sequential or at each concurrency.

Sequential runs print time per request, hops, and the counters beside
them (Python calls, and the allocation peak in KiB: never instead of the
times); runs at several concurrencies print the #37177 table's shape: one
row per scenario, the sequential time, hops and counters, then throughput,
p99 latency and peak threads per concurrency.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pyperf

from handlerbench.render.table import render
from handlerbench.results.saved import (
    COUNT_KEYS,
    UNSTABLE_OUTLIER,
    UNSTABLE_STDEV,
    concurrency,
    counter,
    scenario_name,
    stdev,
    unstable,
)

# Marks a figure pyperf would call unstable, explained under the table.
UNSTABLE_MARK = "!"
UNSTABLE_NOTE = (
    "! unstable by pyperf's rule (a std dev of {stdev:.0%} of the mean, or a value "
    "{outlier:.0%} off it); -v shows pyperf's warnings"
)
COUNTER_HEADER = ("calls/req", "alloc peak KiB")
# Per request, from the response-phases pass: to the response complete, and what runs after.
PHASE_HEADER = ("response us", "tail us")
HEADER = (
    "scenario",
    "us/req",
    "ratio",
    *PHASE_HEADER,
    "s2a/req",
    "a2s/req",
    "threads/req",
    *COUNTER_HEADER,
)


def _us(benchmark: pyperf.Benchmark) -> str:
    mean = benchmark.mean()
    # Sub-10 us figures (the harness floor) need the second decimal.
    digits = 2 if mean < 10e-6 else 1
    us = f"{mean * 1e6:,.{digits}f}"
    spread = stdev(benchmark, None)
    if spread is not None:
        us += f" +- {spread * 1e6:,.{digits}f}"
    return us + (f" {UNSTABLE_MARK}" if unstable(benchmark) else "")


def counter_cells(benchmark: pyperf.Benchmark) -> tuple[str, str]:
    """Python calls per request, and the allocation peak in KiB; ``-`` where not counted."""
    return counter_texts(counter(benchmark, "calls"), counter(benchmark, "allocations"))


def counter_texts(calls: float | None, allocations: float | None) -> tuple[str, str]:
    """The counters' cells: calls per request, the allocation peak in KiB, ``-`` if none."""
    return (
        "-" if calls is None else f"{calls:,.0f}",
        "-" if allocations is None else f"{allocations / 1024:,.1f}",
    )


def _row(benchmark: pyperf.Benchmark, baseline: float) -> tuple[str, ...]:
    metadata = benchmark.get_metadata()
    counts = tuple(str(metadata.get(key, "-")) for key in COUNT_KEYS)
    return (
        benchmark.get_name(),
        _us(benchmark),
        f"{benchmark.mean() / baseline:.2f}x",
        *phase_cells(benchmark),
        *counts,
        *counter_cells(benchmark),
    )


def phase_cells(benchmark: pyperf.Benchmark) -> tuple[str, str]:
    """Time to the response complete, and the tail after it, in us; ``-`` if not timed."""
    response, returned = counter(benchmark, "response_us"), counter(benchmark, "return_us")
    if response is None or returned is None:
        return ("-", "-")
    return (f"{response:,.1f}", f"{returned - response:,.1f}")


def rows(benchmarks: Sequence[pyperf.Benchmark]) -> list[tuple[str, ...]]:
    """Scenario, mean +- std dev in us per request, ratio to the first row, hops and
    counters per request."""
    if not benchmarks:
        return []
    baseline = benchmarks[0].mean()
    return [_row(benchmark, baseline) for benchmark in benchmarks]


def format_table(benchmarks: Sequence[pyperf.Benchmark], fmt: str = "text") -> str:
    """The sequential summary table in ``fmt`` ("text", "md" or "html")."""
    return render(HEADER, rows(benchmarks), fmt)


def format_concurrency_table(benchmarks: Sequence[pyperf.Benchmark], fmt: str = "text") -> str:
    """One row per scenario: ``seq us/req``, hops, counters, then req/s, p99 and peak
    threads per c."""
    levels = sorted({concurrency(b) for b in benchmarks} - {1})
    by_scenario: dict[str, dict[int, pyperf.Benchmark]] = {}
    for benchmark in benchmarks:
        by_scenario.setdefault(scenario_name(benchmark), {})[concurrency(benchmark)] = benchmark
    header = ["scenario", "seq us/req", "hops/req", *COUNTER_HEADER]
    for c in levels:
        header += [f"c={c} req/s", f"c={c} p99 ms", f"c={c} peak thr"]
    body = []
    for name, at in by_scenario.items():
        metadata = next(iter(at.values())).get_metadata()
        hops = metadata.get("sync_to_async", 0) + metadata.get("async_to_sync", 0)
        row = [
            name,
            _us(at[1]) if 1 in at else "-",
            str(hops) if "sync_to_async" in metadata else "-",
            *counter_cells(next(iter(at.values()))),
        ]
        for c in levels:
            if c not in at:
                row += ["-", "-", "-"]
                continue
            observed = at[c].get_metadata()
            row += [
                f"{1 / at[c].mean():,.0f}",
                f"{observed['latency_p99'] * 1e3:,.2f}" if "latency_p99" in observed else "-",
                str(observed.get("peak_threads", "-")),
            ]
        body.append(row)
    return render(header, body, fmt)


def summary(benchmarks: Sequence[pyperf.Benchmark], fmt: str = "text") -> str:
    """The table a run ends with: sequential, or the concurrency shape when any c > 1.

    ``fmt`` is "text", "md" or "html".
    """
    if all(concurrency(b) == 1 for b in benchmarks):
        table = format_table(benchmarks, fmt)
    else:
        table = format_concurrency_table(benchmarks, fmt)
    loops = sorted(
        {str(b.get_metadata()["loop"]) for b in benchmarks if "loop" in b.get_metadata()}
    )
    if loops:
        heading = f"ASGI event loop: {', '.join(loops)}"
        table = (
            f"<p>{html.escape(heading)}</p>\n{table}" if fmt == "html" else f"{heading}\n{table}"
        )
    if not any(unstable(b) for b in benchmarks):
        return table
    note = UNSTABLE_NOTE.format(stdev=UNSTABLE_STDEV, outlier=UNSTABLE_OUTLIER)
    return f"{table}\n<p>{html.escape(note)}</p>" if fmt == "html" else f"{table}\n{note}"
