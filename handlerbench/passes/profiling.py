"""Profile N requests of one target: where a request's time goes, function by function.

``run`` says how long a request takes; this says why. ``profile_target``
builds the target's checked driver, runs a few untimed warm-up requests
(first-request setup, such as building the URL resolver, is not a
per-request cost), then profiles ``driver.time(requests)``: the very loop
pyperf times. Times read under a profiler are inflated; the shares are the
point.

Threads: under ASGI, sync views and sync middleware hooks run in executor
threads asgiref starts per request, not in the thread driving the event
loop. cProfile covers them: on Python 3.12+ one profiler sees every thread;
before that, each thread started while profiling gets a profiler of its own
and their stats are merged. pyinstrument samples only the thread it started
in, so under ASGI the executor threads' work shows as the loop waiting.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
import threading
from dataclasses import dataclass
from types import ModuleType

from handlerbench.compat import CPROFILE_SEES_ALL_THREADS
from handlerbench.drive import Driver
from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.extras import require
from handlerbench.handlers.target import Target
from handlerbench.results.output import write_atomically

PROFILERS: tuple[str, ...] = ("cprofile", "pyinstrument")
DISPLAY_NAMES = {"cprofile": "cProfile", "pyinstrument": "pyinstrument"}
SORT_KEYS: tuple[str, ...] = tuple(pstats.Stats.sort_arg_dict_default)


@dataclass
class ProfileResult:
    """What one profiled run found: cProfile's ``stats`` or pyinstrument's ``text_output``."""

    name: str
    profiler: str
    requests: int
    seconds: float
    stats: pstats.Stats | None = None
    text_output: str = ""

    def dump(self, path: str) -> None:
        """Write cProfile's ``.pstats`` file (for snakeviz, ``python -m pstats``...)."""
        if self.stats is None:
            raise HandlerbenchError(
                f"-o writes cProfile's .pstats format; {self.profiler} has none: "
                "use --profiler cprofile"
            )
        write_atomically(path, self.stats.dump_stats)


def profile_target(
    target: Target, requests: int = 1000, profiler: str = "cprofile", warmups: int = 20
) -> ProfileResult:
    """Profile ``requests`` requests of ``target`` after ``warmups`` untimed ones."""
    if requests < 1:
        raise UsageError(f"requests must be at least 1, not {requests}")
    if profiler not in PROFILERS:
        raise UsageError(f"unknown profiler {profiler!r} (choose from {', '.join(PROFILERS)})")
    sampler = _import_pyinstrument() if profiler == "pyinstrument" else None
    driver = target.build()
    try:
        if warmups > 0:
            driver.time(warmups)
        if sampler is None:
            seconds, stats = _cprofile(driver, requests)
            return ProfileResult(target.name, profiler, requests, seconds, stats=stats)
        seconds, text = _pyinstrument(sampler, driver, requests)
        return ProfileResult(target.name, profiler, requests, seconds, text_output=text)
    finally:
        driver.close()


def _cprofile(driver: Driver, requests: int) -> tuple[float, pstats.Stats]:
    main = cProfile.Profile()
    profiles = [main]
    profiling = True

    def bootstrap(frame, event, arg) -> None:
        # First event in a thread started while profiling (Python < 3.12 only):
        # give the thread its own profiler; enable() replaces this hook there.
        if not profiling:
            sys.setprofile(None)
            return
        thread_profile = cProfile.Profile()
        profiles.append(thread_profile)
        thread_profile.enable()

    if not CPROFILE_SEES_ALL_THREADS:
        threading.setprofile(bootstrap)
    try:
        try:
            main.enable()
        except ValueError as exc:  # 3.12+: another profiler or monitoring tool is active
            raise HandlerbenchError(f"cannot start cProfile: {exc}") from None
        try:
            seconds = driver.time(requests)
        finally:
            main.disable()
    finally:
        profiling = False
        if not CPROFILE_SEES_ALL_THREADS:
            threading.setprofile(None)
        for profile in list(profiles):
            profile.disable()
    stats = pstats.Stats(main)
    for thread_profile in profiles[1:]:
        thread_profile.create_stats()
        if thread_profile.stats:  # pstats refuses an empty profile
            stats.add(thread_profile)
    return seconds, stats


def _import_pyinstrument() -> ModuleType:
    return require("pyinstrument", "--profiler pyinstrument", "profile")


def _pyinstrument(pyinstrument: ModuleType, driver: Driver, requests: int) -> tuple[float, str]:
    sampler = pyinstrument.Profiler(async_mode="enabled")
    sampler.start()
    try:
        seconds = driver.time(requests)
    finally:
        sampler.stop()
    # Show every frame, as pyinstrument's --show-all does: its default groups
    # Django's (and an installed handlerbench's) frames away as library code.
    show_all = {"show_regex": r".*"}
    return seconds, sampler.output_text(unicode=False, color=False, processor_options=show_all)
