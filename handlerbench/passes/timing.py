"""pyperf glue: check and observe every target in the master, count and time each in the workers.

pyperf allows one ``Runner`` per process and re-runs the program in worker
processes that each time one benchmark (``--worker-task``). So the master
checks every target before any worker starts (a bad scenario fails at once,
with one line), and a worker builds only the driver it times. For each
concurrency above 1 the master also runs one untimed concurrent batch (the
observation: latency percentiles, peak threads), whose figures reach the
workers as ``--observed`` and so land in every run's metadata. What the
master hands its workers travels in a ``TimingPlan``, never in module
state. Each worker first runs the counting pass for its target (patches on,
then off again) so the hop counts land in the benchmark's metadata; the
timing pass after it refuses to run if any counting patch or counter's
hook were still installed.
"""

from __future__ import annotations

import argparse
import json
import platform
from collections.abc import Sequence
from dataclasses import dataclass, field

import pyperf

from handlerbench.drive import ConcurrentDriver, Driver
from handlerbench.drive.concurrent import REQUESTS_PER_CLIENT
from handlerbench.drive.deadline import DEFAULT_DEADLINE
from handlerbench.drive.phases import phases
from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.handlers.target import Target, versions
from handlerbench.passes.counting import count_transitions, is_instrumented

# pyperf's master exits with this status when a worker outlives --timeout.
PYPERF_TIMED_OUT = 124
# Requests in one observation: this many per client, and at least OBSERVE_MIN.
OBSERVE_PER_CLIENT = 5
OBSERVE_MIN = 200


@dataclass
class TimingPlan:
    """What a master hands each worker: the benchmark names in worker-task order,
    and the observations it made, by name (forwarded as ``--observed``)."""

    names: list[str] = field(default_factory=list)
    observed: dict[str, dict] = field(default_factory=dict)

    def forward(self, cmd: list[str]) -> None:
        """Part of every ``add_cmdline_args``: hand a worker the observation of its task.

        Only its own (pyperf put ``--worker-task=N`` in ``cmd`` already): all of
        them for a large matrix would overflow the operating system's limit on
        one argument.
        """
        task = next((arg for arg in cmd if arg.startswith("--worker-task=")), None)
        if task is None or not self.observed:
            return
        index = int(task.partition("=")[2])
        name = self.names[index] if index < len(self.names) else None
        if name in self.observed:
            observed = json.dumps({name: self.observed[name]}, separators=(",", ":"))
            cmd.extend(("--observed", observed))


def benchmark_name(target: Target, concurrency: int) -> str:
    """``asgi/default/sync`` sequentially, ``asgi/default/sync@c=50`` at concurrency 50."""
    return target.name if concurrency == 1 else f"{target.name}@c={concurrency}"


class LazyTimer:
    """pyperf's ``time_func``: builds and checks the driver on first call, then times.

    At a concurrency above 1 each call times a batch in which every client
    sends ``loops * REQUESTS_PER_CLIENT`` requests; pyperf divides by ``loops``
    times ``inner_loops`` (concurrency * REQUESTS_PER_CLIENT).
    """

    def __init__(
        self, target: Target, concurrency: int = 1, deadline: float = DEFAULT_DEADLINE
    ) -> None:
        self.target = target
        self.concurrency = concurrency
        self.deadline = deadline
        self.driver: Driver | ConcurrentDriver | None = None

    def __call__(self, loops: int) -> float:
        if is_instrumented():
            raise RuntimeError(f"{self.target.name}: timing while counting patches are installed")
        if self.driver is None:
            driver: Driver | ConcurrentDriver = self.target.build()
            if self.concurrency > 1:
                driver = ConcurrentDriver(driver, self.concurrency, self.deadline)  # type: ignore[arg-type]
            self.driver = driver
        try:
            return self.driver.time(loops)
        except HandlerbenchError:
            raise
        except Exception as exc:
            raise HandlerbenchError(
                f"{self.target.name}: a timed request raised {type(exc).__name__}: {exc}"
            ) from exc


# Requests of the response-phases pass in each worker, after its warm-up ones.
PHASE_REQUESTS, PHASE_WARMUPS = 50, 10


def response_phases(target: Target) -> dict[str, float]:
    """``response_us`` and ``return_us`` of ``target``, timed in a pass of their own."""
    driver = target.build()
    try:
        phases(driver, PHASE_WARMUPS)
        return phases(driver, PHASE_REQUESTS).metadata()
    finally:
        driver.close()


def check_targets(targets: Sequence[Target]) -> None:
    """Build and check every target, closing each: fail before any timing starts."""
    for target in targets:
        target.build().close()


def observe(target: Target, concurrency: int, deadline: float = DEFAULT_DEADLINE) -> dict:
    """One untimed concurrent batch of ``target``: its observation, as metadata.

    The versions it ran on are kept, so a worker on another interpreter
    (pyperf's ``--python``) refuses figures that are not its own.
    """
    driver = target.build()
    concurrent = ConcurrentDriver(driver, concurrency, deadline)  # type: ignore[arg-type]
    try:
        requests = max(OBSERVE_MIN, OBSERVE_PER_CLIENT * concurrency)
        observation = concurrent.observe(requests).metadata()
    except HandlerbenchError:
        raise
    except Exception as exc:
        raise HandlerbenchError(
            f"{concurrent.name}: a request raised {type(exc).__name__}: {exc}"
        ) from exc
    finally:
        concurrent.close()
        driver.close()
    return {**observation, "observed_on": observed_on()}


def observed_on() -> str:
    """Where an observation ran: Python, Django and asgiref versions."""
    return f"Python {platform.python_version()}, {target_versions()}"


def target_versions() -> str:
    found = versions()
    return f"Django {found['django_version']}, asgiref {found['asgiref_version']}"


def add_observed_argument(parser: argparse.ArgumentParser) -> None:
    """The hidden option the master passes its observations to workers with."""
    parser.add_argument("--observed", type=json.loads, help=argparse.SUPPRESS)


def bench_targets(
    runner: pyperf.Runner,
    targets: Sequence[Target],
    concurrencies: Sequence[int] = (1,),
    deadline: float = DEFAULT_DEADLINE,
    plan: TimingPlan | None = None,
    counters: bool = True,
) -> list[pyperf.Benchmark]:
    """Time each target at each concurrency with ``runner``; the benchmarks (none in a worker).

    ``plan`` is the one ``runner``'s ``add_cmdline_args`` forwards to its
    workers (``TimingPlan.forward``): without it, a worker at a concurrency
    above 1 gets no observation from its master. Each worker's counting pass
    records the hops and, with ``counters``, the calls and allocations of a
    request (never instructions: valgrind is too slow for every worker).
    """
    plan = TimingPlan() if plan is None else plan
    planned = [(target, c, benchmark_name(target, c)) for target in targets for c in concurrencies]
    names = [name for _, _, name in planned]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise HandlerbenchError(f"scenario given twice: {', '.join(duplicated)}")
    plan.names[:] = names
    args = runner.parse_args()
    if args.worker:
        observed = getattr(args, "observed", None) or {}
        for name, observation in observed.items():
            if observation.get("observed_on") != observed_on():
                raise UsageError(
                    f"{name}: observed on {observation.get('observed_on')} but timed on "
                    f"{observed_on()}; --concurrency needs --python left out "
                    "(run handlerbench with that Python instead)"
                )
    else:
        check_targets(targets)
        observed = plan.observed
        for target, c, name in planned:
            if c > 1:
                observed[name] = observe(target, c, deadline)
    benchmarks = []
    for index, (target, c, name) in enumerate(planned):
        metadata = {**target.metadata, "concurrency": c, **observed.get(name, {})}
        if args.worker and index == args.worker_task:
            metadata.update(count_transitions(target, counters=counters).metadata())
            if c == 1:
                metadata.update(response_phases(target))
        try:
            benchmark = runner.bench_time_func(
                name,
                LazyTimer(target, c, deadline),
                metadata=metadata,
                inner_loops=c * REQUESTS_PER_CLIENT if c > 1 else None,
            )
        except (RuntimeError, ValueError, SystemExit) as exc:
            raise _pyperf_failure(exc, name, args) from None
        if benchmark is not None:
            benchmarks.append(benchmark)
    return benchmarks


def _pyperf_failure(
    exc: RuntimeError | ValueError | SystemExit, name: str, args: argparse.Namespace
) -> BaseException:
    """What pyperf's master raised, as one line naming the benchmark; anything else as is.

    pyperf says these only in its messages and exit status (pyperf 2.8 to 2.11).
    """
    if isinstance(exc, RuntimeError) and "failed with exit code" in str(exc):
        # A worker died; the worker printed why.
        return HandlerbenchError(f"{name}: a pyperf worker failed ({exc}); its error is above")
    if isinstance(exc, ValueError) and "incompatible benchmark" in str(exc):
        # pyperf refusing to add these runs to a benchmark of the --append file.
        return HandlerbenchError(
            f"{name}: --append cannot add its runs to that file ({exc}); "
            "append to a file from the same environment"
        )
    if isinstance(exc, SystemExit) and exc.code == PYPERF_TIMED_OUT and not args.worker:
        return HandlerbenchError(
            f"{name}: a pyperf worker ran longer than --timeout {args.timeout:g} s and was stopped"
        )
    return exc
