"""pyperf glue: check and observe every target in the master, count and time each in the workers.

pyperf allows one ``Runner`` per process and re-runs the program in worker
processes that each time one benchmark (``--worker-task``). So the master
checks every target before any worker starts (a bad scenario fails at once,
with one line), and a worker builds only the driver it times. For each
concurrency above 1 the master also runs one untimed concurrent batch (the
observation: latency percentiles, peak threads), whose figures reach the
workers as ``--observed`` and so land in every run's metadata. Each worker
first runs the counting pass for its target (patches on, then off again)
so the hop counts land in the benchmark's metadata; the timing pass after
it refuses to run if any counting patch were still installed.
"""

from __future__ import annotations

import argparse
import json
import platform
from collections.abc import Sequence

import pyperf

from handlerbench import targets as targets_module
from handlerbench.concurrency import DEFAULT_DEADLINE, REQUESTS_PER_CLIENT, ConcurrentDriver
from handlerbench.drivers import Driver
from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.targets import Target
from handlerbench.transitions import count_transitions, is_instrumented

# pyperf's master exits with this status when a worker outlives --timeout.
PYPERF_TIMED_OUT = 124
# Requests in one observation: this many per client, and at least OBSERVE_MIN.
OBSERVE_PER_CLIENT = 5
OBSERVE_MIN = 200
# Observations the master made, and the benchmark names in worker-task order,
# for forward_observations.
OBSERVED: dict[str, dict] = {}
PLAN: list[str] = []


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
            driver = self.target.build()
            if self.concurrency > 1:
                driver = ConcurrentDriver(driver, self.concurrency, self.deadline)
            self.driver = driver
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


def observe(target: Target, concurrency: int, deadline: float = DEFAULT_DEADLINE) -> dict:
    """One untimed concurrent batch of ``target``: its observation, as metadata.

    The versions it ran on are kept, so a worker on another interpreter
    (pyperf's ``--python``) refuses figures that are not its own.
    """
    driver = target.build()
    concurrent = ConcurrentDriver(driver, concurrency, deadline)
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
    versions = targets_module.versions()
    return f"Django {versions['django_version']}, asgiref {versions['asgiref_version']}"


def add_observed_argument(parser: argparse.ArgumentParser) -> None:
    """The hidden option the master passes its observations to workers with."""
    parser.add_argument("--observed", type=json.loads, help=argparse.SUPPRESS)


def forward_observations(cmd: list[str]) -> None:
    """Part of every ``add_cmdline_args``: hand a worker the master's observation of its task.

    Only its own (pyperf put ``--worker-task=N`` in ``cmd`` already): all of
    them for a large matrix would overflow the operating system's limit on
    one argument.
    """
    task = next((arg for arg in cmd if arg.startswith("--worker-task=")), None)
    if task is None or not OBSERVED:
        return
    index = int(task.partition("=")[2])
    name = PLAN[index] if index < len(PLAN) else None
    if name in OBSERVED:
        cmd.extend(("--observed", json.dumps({name: OBSERVED[name]}, separators=(",", ":"))))


def bench_targets(
    runner: pyperf.Runner,
    targets: Sequence[Target],
    concurrencies: Sequence[int] = (1,),
    deadline: float = DEFAULT_DEADLINE,
) -> list[pyperf.Benchmark]:
    """Time each target at each concurrency with ``runner``; the benchmarks (none in a worker)."""
    plan = [(target, c, benchmark_name(target, c)) for target in targets for c in concurrencies]
    names = [name for _, _, name in plan]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    if duplicated:
        raise HandlerbenchError(f"scenario given twice: {', '.join(duplicated)}")
    PLAN[:] = names
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
        observed = OBSERVED
        for target, c, name in plan:
            if c > 1:
                observed[name] = observe(target, c, deadline)
    benchmarks = []
    for index, (target, c, name) in enumerate(plan):
        metadata = {**target.metadata, "concurrency": c, **observed.get(name, {})}
        if args.worker and index == args.worker_task:
            metadata.update(count_transitions(target).metadata())
        try:
            benchmark = runner.bench_time_func(
                name,
                LazyTimer(target, c, deadline),
                metadata=metadata,
                inner_loops=c * REQUESTS_PER_CLIENT if c > 1 else None,
            )
        except RuntimeError as exc:
            if "failed with exit code" not in str(exc):
                raise
            # pyperf's master saying a worker died; the worker printed why.
            raise HandlerbenchError(
                f"{name}: a pyperf worker failed ({exc}); its error is above"
            ) from None
        except ValueError as exc:
            if "incompatible benchmark" not in str(exc):
                raise
            # pyperf refusing to add these runs to a benchmark of the --append file.
            raise HandlerbenchError(
                f"{name}: --append cannot add its runs to that file ({exc}); "
                "append to a file from the same environment"
            ) from None
        except SystemExit as exc:
            if exc.code != PYPERF_TIMED_OUT or args.worker:
                raise
            raise HandlerbenchError(
                f"{name}: a pyperf worker ran longer than --timeout {args.timeout:g} s "
                "and was stopped"
            ) from None
        if benchmark is not None:
            benchmarks.append(benchmark)
    return benchmarks
