"""Tables a person can paste into a ticket: one row per scenario, plain text or Markdown."""

from __future__ import annotations

from collections.abc import Sequence

import pyperf

FORMATS = ("text", "md")
HEADER = ("scenario", "us/req", "ratio")


def _row(benchmark: pyperf.Benchmark, baseline: float) -> tuple[str, str, str]:
    mean = benchmark.mean()
    us = f"{mean * 1e6:,.1f}"
    if benchmark.get_nvalue() > 1:
        us += f" +- {benchmark.stdev() * 1e6:,.1f}"
    return benchmark.get_name(), us, f"{mean / baseline:.2f}x"


def rows(benchmarks: Sequence[pyperf.Benchmark]) -> list[tuple[str, str, str]]:
    """Scenario, mean +- std dev in microseconds per request, ratio to the first row."""
    if not benchmarks:
        return []
    baseline = benchmarks[0].mean()
    return [_row(benchmark, baseline) for benchmark in benchmarks]


def format_table(benchmarks: Sequence[pyperf.Benchmark], fmt: str = "text") -> str:
    """The summary table in ``fmt`` ("text" or "md")."""
    body = rows(benchmarks)
    if fmt == "md":
        lines = ["| " + " | ".join(HEADER) + " |", "| --- | ---: | ---: |"]
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
