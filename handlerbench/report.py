"""Tables a person can paste into a ticket: one row per scenario, plain text or Markdown."""

from __future__ import annotations

from collections.abc import Sequence

import pyperf

FORMATS = ("text", "md")
HEADER = ("scenario", "us/req", "ratio", "s2a/req", "a2s/req", "threads/req")
# Per-request counts the counting pass puts in each benchmark's metadata.
COUNT_KEYS = ("sync_to_async", "async_to_sync", "threads_started")


def _row(benchmark: pyperf.Benchmark, baseline: float) -> tuple[str, ...]:
    mean = benchmark.mean()
    # Sub-10 us figures (the harness floor) need the second decimal.
    digits = 2 if mean < 10e-6 else 1
    us = f"{mean * 1e6:,.{digits}f}"
    if benchmark.get_nvalue() > 1:
        us += f" +- {benchmark.stdev() * 1e6:,.{digits}f}"
    metadata = benchmark.get_metadata()
    counts = tuple(str(metadata.get(key, "-")) for key in COUNT_KEYS)
    return (benchmark.get_name(), us, f"{mean / baseline:.2f}x", *counts)


def rows(benchmarks: Sequence[pyperf.Benchmark]) -> list[tuple[str, ...]]:
    """Scenario, mean +- std dev in us per request, ratio to the first row, hops per request."""
    if not benchmarks:
        return []
    baseline = benchmarks[0].mean()
    return [_row(benchmark, baseline) for benchmark in benchmarks]


def format_table(benchmarks: Sequence[pyperf.Benchmark], fmt: str = "text") -> str:
    """The summary table in ``fmt`` ("text" or "md")."""
    body = rows(benchmarks)
    if fmt == "md":
        lines = ["| " + " | ".join(HEADER) + " |", "| --- |" + " ---: |" * (len(HEADER) - 1)]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in [HEADER, *body]) for i in range(len(HEADER))]
    lines = []
    for row in [HEADER, *body]:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells))
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
