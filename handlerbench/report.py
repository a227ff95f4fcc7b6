"""Tables a person can paste into a ticket: one row per scenario, plain text or Markdown.

Sequential runs print time per request and hops; runs at several
concurrencies print the #37177 table's shape: one row per scenario, the
sequential time, then throughput, p99 latency and peak threads per
concurrency. Tables also render as HTML, for notebooks (``RunResult``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pyperf

from handlerbench.results import Result, hop_names, hops, scenario_names

# The command line's --format choices; render() also takes "html" (notebooks).
FORMATS = ("text", "md")
HEADER = ("scenario", "us/req", "ratio", "s2a/req", "a2s/req", "threads/req")
# Per-request counts the counting pass puts in each benchmark's metadata.
COUNT_KEYS = ("sync_to_async", "async_to_sync", "threads_started")


def _us(benchmark: pyperf.Benchmark) -> str:
    mean = benchmark.mean()
    # Sub-10 us figures (the harness floor) need the second decimal.
    digits = 2 if mean < 10e-6 else 1
    us = f"{mean * 1e6:,.{digits}f}"
    if benchmark.get_nvalue() > 1:
        us += f" +- {benchmark.stdev() * 1e6:,.{digits}f}"
    return us


def _row(benchmark: pyperf.Benchmark, baseline: float) -> tuple[str, ...]:
    metadata = benchmark.get_metadata()
    counts = tuple(str(metadata.get(key, "-")) for key in COUNT_KEYS)
    return (benchmark.get_name(), _us(benchmark), f"{benchmark.mean() / baseline:.2f}x", *counts)


def rows(benchmarks: Sequence[pyperf.Benchmark]) -> list[tuple[str, ...]]:
    """Scenario, mean +- std dev in us per request, ratio to the first row, hops per request."""
    if not benchmarks:
        return []
    baseline = benchmarks[0].mean()
    return [_row(benchmark, baseline) for benchmark in benchmarks]


def render(
    header: Sequence[str],
    body: Sequence[Sequence[str]],
    fmt: str = "text",
    text_columns: int = 1,
) -> str:
    """A table: figures right-aligned; the first column, and the last ones if
    ``text_columns`` > 1 counts them, left-aligned."""
    left = {0, *range(len(header) - text_columns + 1, len(header))} if text_columns > 1 else {0}
    if fmt == "html":
        return _html(header, body)
    if fmt == "md":
        rule = ["---" if i in left else "---:" for i in range(len(header))]
        lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    lines = []
    for row in [header, *body]:
        cells = [
            cell.ljust(width) if i in left else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _html(header: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    """An HTML ``<table>``, every cell escaped."""

    def cells(tag: str, row: Sequence[str]) -> str:
        return "".join(
            f'<{tag} style="text-align: {"right" if i else "left"}">{html.escape(cell)}</{tag}>'
            for i, cell in enumerate(row)
        )

    lines = ["<table>", f"<thead><tr>{cells('th', header)}</tr></thead>", "<tbody>"]
    lines += [f"<tr>{cells('td', row)}</tr>" for row in body]
    return "\n".join([*lines, "</tbody>", "</table>"])


def format_table(benchmarks: Sequence[pyperf.Benchmark], fmt: str = "text") -> str:
    """The sequential summary table in ``fmt`` ("text", "md" or "html")."""
    return render(HEADER, rows(benchmarks), fmt)


def concurrency(benchmark: pyperf.Benchmark) -> int:
    return int(benchmark.get_metadata().get("concurrency", 1))


def scenario_name(benchmark: pyperf.Benchmark) -> str:
    """The benchmark's name without its ``@c=N`` suffix."""
    return benchmark.get_name().partition("@c=")[0]


def format_concurrency_table(benchmarks: Sequence[pyperf.Benchmark], fmt: str = "text") -> str:
    """One row per scenario: ``seq us/req``, hops, then req/s, p99 and peak threads per c."""
    levels = sorted({concurrency(b) for b in benchmarks} - {1})
    by_scenario: dict[str, dict[int, pyperf.Benchmark]] = {}
    for benchmark in benchmarks:
        by_scenario.setdefault(scenario_name(benchmark), {})[concurrency(benchmark)] = benchmark
    header = ["scenario", "seq us/req", "hops/req"]
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
        return format_table(benchmarks, fmt)
    return format_concurrency_table(benchmarks, fmt)


def _agreement(values: list) -> str:
    """``same``, or ``differ: LOW-HIGH`` over the files that have the value."""
    known = sorted({value for value in values if value is not None})
    if not known:
        return "-"
    return "same" if len(known) == 1 else f"differ: {known[0]}-{known[-1]}"


def format_results(results: Sequence[Result], fmt: str = "text") -> str:
    """Across files: one row per scenario, one column per file, ``us/req (hops)`` per cell.

    The last columns say whether hops (count, else names) and threads per
    request differ between files: what a Django or asgiref release changing
    the request path shows as.
    """
    header = ["scenario", *(result.label for result in results), "hops", "threads/req"]
    body = []
    for name in scenario_names(list(results)):
        row: list[str] = [name]
        present = [r.benchmarks[name] for r in results if name in r.benchmarks]
        for result in results:
            benchmark = result.benchmarks.get(name)
            if benchmark is None:
                row.append("-")
                continue
            count = hops(benchmark)
            row.append(f"{benchmark.mean() * 1e6:,.1f} ({'-' if count is None else count})")
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
    return "\n".join([render(header, body, fmt), "", note, *legend])
