"""What a notebook gets back from a run: the saved pyperf suite, easy to look at.

``hb.run(...)`` runs ``python -m handlerbench run ... -o FILE`` in a
subprocess and wraps the file in a ``RunResult``. In Jupyter it shows as
the table the command line prints (HTML); ``.mean``, ``.stdev``, ``.hops``
and ``.hop_names`` give the numbers by benchmark name, ``to_dataframe()``
(pandas) and ``plot()`` (matplotlib) the rest, and ``save()`` writes the
same pyperf JSON the command line does, for ``handlerbench report`` or
``pyperf compare_to``.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pyperf

from handlerbench.extras import require
from handlerbench.render.runs import summary
from handlerbench.results import saved as results
from handlerbench.results.output import write_atomically
from handlerbench.results.saved import stdev

if TYPE_CHECKING:
    import pandas
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

# to_dataframe()'s columns, in order.
COLUMNS = (
    "name",
    "scenario",
    "handler",
    "stack",
    "view",
    "concurrency",
    "mean_us",
    "stdev_us",
    "values",
    "requests_per_second",
    "sync_to_async",
    "async_to_sync",
    "threads_started",
    "latency_p50_ms",
    "latency_p99_ms",
    "django_version",
    "asgiref_version",
    "python_version",
)


class RunResult:
    """One run's benchmarks, in run order, looked up by name (``handler/stack/view[@c=N]``).

    ``mean``, ``stdev``, ``hops`` and ``hop_names`` are always dicts keyed by
    benchmark name, even for a run of one benchmark.
    """

    def __init__(self, suite: pyperf.BenchmarkSuite) -> None:
        self.suite = suite

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> RunResult:
        """Read a pyperf JSON file; a missing or malformed file is a one-line HandlerbenchError."""
        return cls(results.load_suite(os.fspath(path)))

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the pyperf JSON file, whole or not at all (replacing one that exists)."""
        write_atomically(path, lambda temporary: self.suite.dump(temporary))

    @property
    def benchmarks(self) -> list[pyperf.Benchmark]:
        return self.suite.get_benchmarks()

    @property
    def names(self) -> list[str]:
        return [benchmark.get_name() for benchmark in self.benchmarks]

    def __len__(self) -> int:
        return len(self.benchmarks)

    def __iter__(self) -> Iterator[pyperf.Benchmark]:
        return iter(self.benchmarks)

    def __getitem__(self, name: str) -> pyperf.Benchmark:
        for benchmark in self.benchmarks:
            if benchmark.get_name() == name:
                return benchmark
        raise KeyError(f"no benchmark {name!r} in this run; it has: {', '.join(self.names)}")

    @property
    def mean(self) -> dict[str, float]:
        """Mean seconds per request, by name."""
        return {b.get_name(): b.mean() for b in self}

    @property
    def stdev(self) -> dict[str, float]:
        """Standard deviation in seconds, by name; NaN for a benchmark with a single value."""
        return {b.get_name(): _stdev(b) for b in self}

    @property
    def hops(self) -> dict[str, int | None]:
        """sync_to_async + async_to_sync per request, by name; None if the run did not count."""
        return {b.get_name(): results.hops(b) for b in self}

    @property
    def hop_names(self) -> dict[str, list[str]]:
        """Each request's hops in order (``["s2a SessionMiddleware.process_request", ...]``)."""
        return {b.get_name(): results.hop_list(b) for b in self}

    def versions(self) -> str:
        """``Django 5.2.19, asgiref 3.13.0, Python 3.11.7``, from the first benchmark."""
        return results.Result("run", {b.get_name(): b for b in self}).versions()

    def _header(self) -> str:
        count = len(self)
        return f"RunResult: {count} benchmark{'s' * (count != 1)} ({self.versions()})"

    def __repr__(self) -> str:
        return f"{self._header()}\n{summary(self.benchmarks)}"

    __str__ = __repr__

    def _repr_html_(self) -> str:
        table = summary(self.benchmarks, "html")
        caption = f"<caption>{html.escape(self._header())}</caption>"
        return table.replace("<table>", f"<table>\n{caption}", 1)

    def to_dataframe(self) -> pandas.DataFrame:
        """One row per benchmark (columns: ``COLUMNS``); needs pandas.

        ``requests_per_second`` is 1 / mean: with ``concurrency`` clients the
        run's throughput; for a sequential benchmark (concurrency 1), one
        client's rate. Latencies exist only for concurrency > 1; counts are
        None where the run did not count.
        """
        pandas = require("pandas", "to_dataframe()", "notebook")
        return pandas.DataFrame([_record(b) for b in self], columns=list(COLUMNS))

    def plot(self, ax: Axes | None = None) -> Figure:
        """Bars of mean us per request with std dev error bars; needs matplotlib.

        Draws into ``ax`` if given. Keeps the current matplotlib backend and
        returns the Figure, which Jupyter displays.
        """
        from handlerbench.render.plot import plot_benchmarks

        return plot_benchmarks(self.benchmarks, title=self.versions(), ax=ax)


def load(path: str | os.PathLike[str]) -> RunResult:
    """``RunResult.load(path)``."""
    return RunResult.load(path)


def _stdev(benchmark: pyperf.Benchmark) -> float:
    """Std dev in seconds; NaN for a single value (pyperf refuses it)."""
    return stdev(benchmark, math.nan)


def _record(benchmark: pyperf.Benchmark) -> dict[str, Any]:
    """One to_dataframe() row."""
    metadata = benchmark.get_metadata()
    scenario = results.scenario_name(benchmark)
    parts = scenario.split("/")
    handler, stack, view = parts if len(parts) == 3 else (None, None, None)
    mean = benchmark.mean()
    latency = {
        f"{key}_ms": metadata[key] * 1e3 if key in metadata else math.nan
        for key in ("latency_p50", "latency_p99")
    }
    return {
        "name": benchmark.get_name(),
        "scenario": scenario,
        "handler": metadata.get("handler", handler),
        "stack": metadata.get("stack", stack),
        "view": metadata.get("view", view),
        "concurrency": results.concurrency(benchmark),
        "mean_us": mean * 1e6,
        "stdev_us": _stdev(benchmark) * 1e6,
        "values": benchmark.get_nvalue(),
        "requests_per_second": 1 / mean,
        **{key: metadata.get(key) for key in results.COUNT_KEYS},
        **latency,
        "django_version": metadata.get("django_version"),
        "asgiref_version": metadata.get("asgiref_version"),
        # "3.11.7 (64-bit)" -> "3.11.7"
        "python_version": str(metadata.get("python_version", "")).partition(" ")[0] or None,
    }
