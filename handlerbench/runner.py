"""pyperf glue: check every target in the master, then count and time each in pyperf's workers.

pyperf allows one ``Runner`` per process and re-runs the program in worker
processes that each time one benchmark (``--worker-task``). So the master
checks every target before any worker starts (a bad scenario fails at once,
with one line), and a worker builds only the driver it times. Each worker
first runs the counting pass for its target (patches on, then off again) so
the hop counts land in the benchmark's metadata; the timing pass after it
refuses to run if any counting patch were still installed.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyperf

from handlerbench.drivers import Driver
from handlerbench.errors import HandlerbenchError
from handlerbench.targets import Target
from handlerbench.transitions import count_transitions, is_instrumented


class LazyTimer:
    """pyperf's ``time_func``: builds and checks the driver on first call, then times."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.driver: Driver | None = None

    def __call__(self, loops: int) -> float:
        if is_instrumented():
            raise RuntimeError(f"{self.target.name}: timing while counting patches are installed")
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
    for index, target in enumerate(targets):
        metadata = dict(target.metadata)
        if args.worker and index == args.worker_task:
            metadata.update(count_transitions(target).metadata())
        try:
            benchmark = runner.bench_time_func(target.name, LazyTimer(target), metadata=metadata)
        except RuntimeError as exc:
            if "failed with exit code" not in str(exc):
                raise
            # pyperf's master saying a worker died; the worker printed why.
            raise HandlerbenchError(
                f"{target.name}: a pyperf worker failed ({exc}); its error is above"
            ) from None
        if benchmark is not None:
            benchmarks.append(benchmark)
    return benchmarks
