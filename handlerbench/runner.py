"""pyperf glue: check every target in the master, then time each in pyperf's workers.

pyperf allows one ``Runner`` per process and re-runs the program in worker
processes that each time one benchmark (``--worker-task``). So the master
checks every target before any worker starts (a bad scenario fails at once,
with one line), and a worker builds only the driver it times.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyperf

from handlerbench.drivers import Driver
from handlerbench.errors import HandlerbenchError
from handlerbench.targets import Target


class LazyTimer:
    """pyperf's ``time_func``: builds and checks the driver on first call, then times."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.driver: Driver | None = None

    def __call__(self, loops: int) -> float:
        if self.driver is None:
            self.driver = self.target.build()
        try:
            return self.driver.time(loops)
        except HandlerbenchError:
            raise
        except Exception as exc:
            raise HandlerbenchError(
                f"{self.target.name}: a timed request raised {type(exc).__name__}: {exc}"
            ) from exc


def check_targets(targets: Sequence[Target]) -> None:
    """Build and check every target, closing each: fail before any timing starts."""
    for target in targets:
        target.build().close()


def bench_targets(runner: pyperf.Runner, targets: Sequence[Target]) -> list[pyperf.Benchmark]:
    """Time each target with ``runner``; returns the benchmarks (none in a worker)."""
    names = [target.name for target in targets]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise HandlerbenchError(f"scenario given twice: {', '.join(duplicated)}")
    args = runner.parse_args()
    if not args.worker:
        check_targets(targets)
    benchmarks = []
    for target in targets:
        benchmark = runner.bench_time_func(
            target.name, LazyTimer(target), metadata=dict(target.metadata)
        )
        if benchmark is not None:
            benchmarks.append(benchmark)
    return benchmarks
