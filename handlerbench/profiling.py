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
import io
import pstats
import sys
import threading
from dataclasses import dataclass
from types import ModuleType

from handlerbench.compat import CPROFILE_SEES_ALL_THREADS
from handlerbench.drivers import Driver
from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.output import write_atomically
from handlerbench.targets import Target

PROFILERS: tuple[str, ...] = ("cprofile", "pyinstrument")
_DISPLAY_NAMES = {"cprofile": "cProfile", "pyinstrument": "pyinstrument"}
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

    def header(self) -> str:
        per_request = self.seconds / self.requests * 1e6
        return (
            f"{self.name}: {self.requests:,} requests in {self.seconds:.2f} s under "
            f"{_DISPLAY_NAMES[self.profiler]} ({per_request:,.1f} us/req with profiling "
            "overhead; time it with `run` for real figures)"
        )

    def format(self, top: int = 25, sort: str = "cumulative") -> str:
        """The header, then the ``top`` functions by ``sort`` (any pstats sort key).

        pyinstrument's report is its own call tree: ``top`` and ``sort`` do not apply.
        """
        if self.stats is None:
            return f"{self.header()}\n{self.text_output}"
        buffer = io.StringIO()
        # A copy: strip_dirs() and sort_stats() change the Stats they are called on.
        stats = pstats.Stats(stream=buffer).add(self.stats).strip_dirs()
        try:
            stats.sort_stats(sort)
        except KeyError:
            raise UsageError(
                f"unknown sort key {sort!r} (choose from {', '.join(SORT_KEYS)})"
            ) from None
        stats.print_stats(top)
        return f"{self.header()}\n{buffer.getvalue().strip(chr(10))}\n"

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
    try:
        import pyinstrument
    except ImportError:
        raise HandlerbenchError(
            "--profiler pyinstrument needs pyinstrument: pip install 'handlerbench[profile]'"
        ) from None
    return pyinstrument


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
