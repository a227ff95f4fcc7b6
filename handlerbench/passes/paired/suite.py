"""Paired measurements as pyperf JSON: a run per worker process, so pyperf's tools read them.

Each worker is a pyperf run (its timed values, in seconds per request,
with the loops it ran; its warm-up value is not kept), so ``pyperf stats``, ``hist``
and ``handlerbench report`` read the file. When A and B have the same name
(A/A, or ``--python-b``), the names say which side is which.
"""

from __future__ import annotations

import math
from typing import Any

import pyperf

from handlerbench.passes.paired.session import PairedResult


def benchmark_names(result: PairedResult) -> dict[str, str]:
    """The benchmark name of each side: its target's, with `` (A)``/`` (B)`` when they clash."""
    a, b = result.a.name, result.b.name
    if a == b:
        return {"A": f"{a} (A)", "B": f"{b} (B)"}
    return {"A": a, "B": b}


def suite(result: PairedResult) -> pyperf.BenchmarkSuite:
    """Both sides of ``result``, a run per worker, the ratio and its interval in the metadata."""
    names = benchmark_names(result)
    estimate = {
        "ab_ratio": result.estimate.ratio,
        "ab_ci_low": result.estimate.ci_low,
        "ab_ci_high": result.estimate.ci_high,
    }
    # One pair gives no interval: the metadata leaves out what is not a number.
    shared = {k: v for k, v in estimate.items() if math.isfinite(v)}
    shared["ab_pairs"] = result.estimate.pairs
    runs, metadata = {}, {}
    for side in (result.a, result.b):
        name = names[side.label]
        runs[name] = [
            (m.loops, list(m.values)) for m in result.measurements if m.label == side.label
        ]
        metadata[name] = {**side.metadata, **shared, "ab_side": side.label}
    return runs_suite(runs, metadata)


def runs_suite(
    runs: dict[str, list[tuple[int, list[float]]]], metadata: dict[str, dict[str, Any]]
) -> pyperf.BenchmarkSuite:
    """A pyperf suite: a benchmark per name, a run per worker (its loops, its values in
    seconds per request), with ``metadata[name]`` (what pyperf can hold of it)."""
    benchmarks = []
    for name, worker_runs in runs.items():
        # pyperf metadata values are str, int or float.
        known = {
            k: v for k, v in metadata.get(name, {}).items() if isinstance(v, (str, int, float))
        }
        benchmarks.append(
            pyperf.Benchmark(
                [
                    pyperf.Run(
                        values,
                        metadata={**known, "name": name, "loops": loops, "unit": "second"},
                        collect_metadata=False,
                    )
                    for loops, values in worker_runs
                ]
            )
        )
    return pyperf.BenchmarkSuite(benchmarks)
