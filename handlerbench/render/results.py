"""Across saved runs: one row per scenario, one column per file (``report``)."""

from __future__ import annotations

from collections.abc import Sequence

from handlerbench.render.table import render
from handlerbench.results.saved import Result, hop_names, hops, scenario_names


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
