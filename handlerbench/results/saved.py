"""Saved runs: pyperf JSON files, read back as labelled results for reports and comparisons.

Each file is one environment or one run (``tox -m bench`` writes
``results/<env>.json``); its label is the file name without ``.json``, and
its versions come from the metadata every benchmark carries.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyperf

from handlerbench.errors import HandlerbenchError


@dataclass
class Result:
    """One file: its label, its benchmarks by name, and the versions it ran on."""

    label: str
    benchmarks: dict[str, pyperf.Benchmark]

    def versions(self) -> str:
        """``Django 5.2.19, asgiref 3.13.0, Python 3.11.7``, from the first benchmark."""
        if not self.benchmarks:
            return "no benchmarks"
        return versions_label(next(iter(self.benchmarks.values())).get_metadata())


def versions_label(metadata: Mapping[str, Any]) -> str:
    """``Django 5.2.19, asgiref 3.13.0, Python 3.11.7``: what a benchmark ran on."""
    python = str(metadata.get("python_version", "?")).split()[0]
    return (
        f"Django {metadata.get('django_version', '?')}, "
        f"asgiref {metadata.get('asgiref_version', '?')}, Python {python}"
    )


def stdev(benchmark: pyperf.Benchmark, single: Any) -> Any:
    """The standard deviation in seconds; ``single`` for one value (pyperf refuses it)."""
    return benchmark.stdev() if benchmark.get_nvalue() > 1 else single


def load_suite(path: str) -> pyperf.BenchmarkSuite:
    """Read one pyperf JSON file; a missing or malformed file is one clear line."""
    try:
        return pyperf.BenchmarkSuite.load(path)
    except FileNotFoundError:
        raise HandlerbenchError(f"{path}: no such file") from None
    except Exception as exc:
        raise HandlerbenchError(f"{path}: not a pyperf JSON file ({exc})") from None


def load(path: str) -> Result:
    """Read one pyperf JSON file (see ``load_suite``), labelled by its file name."""
    suite = load_suite(path)
    label = Path(path).name.removesuffix(".gz").removesuffix(".json")
    return Result(label, {b.get_name(): b for b in suite.get_benchmarks()})


def load_all(paths: list[str]) -> list[Result]:
    """Read several files; files with the same name are labelled by their path instead."""
    results = [load(path) for path in paths]
    labels = [result.label for result in results]
    for result, path in zip(results, paths, strict=True):
        if labels.count(result.label) > 1:
            result.label = path
    return results


def hops(benchmark: pyperf.Benchmark) -> int | None:
    """Transitions per request (sync_to_async + async_to_sync), if the run counted them."""
    metadata = benchmark.get_metadata()
    if "sync_to_async" not in metadata:
        return None
    return int(metadata["sync_to_async"]) + int(metadata.get("async_to_sync", 0))


def hop_list(benchmark: pyperf.Benchmark) -> list[str]:
    """The hops of one request in order (``s2a SessionMiddleware.process_request``, ...)."""
    listed = benchmark.get_metadata().get("hop_list", "")
    return [name for name in str(listed).split("; ") if name]


def hop_names(benchmark: pyperf.Benchmark) -> Counter[str]:
    """Each hop of one request by name (``s2a SessionMiddleware.process_request``), counted."""
    return Counter(hop_list(benchmark))


def scenario_names(results: list[Result]) -> list[str]:
    """Every benchmark name in ``results``, in the order they first appear."""
    return list(dict.fromkeys(name for result in results for name in result.benchmarks))


# Per-request counts the counting pass puts in each benchmark's metadata.
COUNT_KEYS = ("sync_to_async", "async_to_sync", "threads_started")
# Per-request counters it puts there beside them: Python calls, bytes at the
# allocation peak, CPU instructions (transitions --instructions only).
COUNTERS = ("calls", "allocations", "instructions")


def counter(benchmark: pyperf.Benchmark, name: str) -> float | None:
    """A counter per request: the median over the runs that have it (each pyperf worker
    counts its own, and they may differ slightly), or None if no run has it."""
    values = [run.get_metadata().get(name) for run in benchmark.get_runs()]
    numbers = [float(value) for value in values if isinstance(value, (int, float))]
    return statistics.median(numbers) if numbers else None


def concurrency(benchmark: pyperf.Benchmark) -> int:
    """The concurrency a benchmark ran at (1: sequential)."""
    return int(benchmark.get_metadata().get("concurrency", 1))


def scenario_name(benchmark: pyperf.Benchmark) -> str:
    """The benchmark's name without its ``@c=N`` suffix."""
    return benchmark.get_name().partition("@c=")[0]


# pyperf's own thresholds for an unstable result: a std dev of 10% of the mean or
# more, or a value 50% or more away from the mean.
UNSTABLE_STDEV = 0.10
UNSTABLE_OUTLIER = 0.50


def unstable(benchmark: pyperf.Benchmark) -> bool:
    """Would pyperf warn that this result may be unstable (spread, or an outlier)?"""
    values = benchmark.get_values()
    mean = benchmark.mean()
    if len(values) >= 2 and benchmark.stdev() >= UNSTABLE_STDEV * mean:
        return True
    return any(abs(value - mean) >= UNSTABLE_OUTLIER * mean for value in values)
