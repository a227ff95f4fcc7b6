"""Soak one target: do threads, file descriptors and memory come back, or keep growing?

A benchmark times a few thousand requests; a leak shows only over many more.
``soak`` builds the target's checked driver, runs warm-up requests (first-request
caches, the URL resolver and lazy imports are set up once, not leaked), takes
the baseline sample, runs the requests in equal chunks through
``driver.time()`` (the loop ``run`` times) with a sample after each, closes
the driver and takes a last sample.

A sample is the whole process's: ``threading.active_count()``, the open file
descriptors (``/proc/self/fd``; None where there is no /proc) and the resident
set size (``/proc/self/statm``; elsewhere ``ru_maxrss``, which is the *peak*,
and the report says so). ``gc.collect()`` runs before each sample: it frees
only cyclic garbage, so no count changes meaning, but RSS is steadier.
Soaking several targets in one process is sequential: each baseline is taken
after that target's warm-up, so what an earlier target left is in it, and
RSS includes every cache the earlier ones filled.

Threads settle before each sample: recent asgiref joins each request's
executor thread from another short-lived thread (``compat.JOIN_THREAD_ASGIREF``),
so a count read at once can be one too high for a few milliseconds. A sample waits (polling, at most
``SETTLE_SECONDS``) for the count to fall to the baseline's, then reads it.
The baseline itself waits for the count before the driver was built, or for
no thread to exit for ``BASELINE_STABLE_SECONDS``: building or warming up
may start a thread that stays (a watchdog, an executor), which is no leak.

Verdicts, one word per resource:

- threads, fds: "flat" when the count after close is at most the baseline,
  "grew" otherwise. After close it may be below the baseline: the baseline
  holds the driver's own (an ASGI driver's event loop has 3 descriptors).
- RSS: the growth from the first checkpoint (the first chunk carries the
  allocator's warm-up) to the last one before close, in bytes per request.
  "flat" when the second half of that span grew by less than
  ``FLAT_BYTES_PER_REQUEST`` per request or less than ``FLAT_BYTES`` in all;
  "grew" otherwise. A leak grows steadily, a cache grows then levels off, so
  a "grew" whose second half grows at least half as fast per request as the
  first is flagged ``steady_growth``: it may have no bound. Run more
  requests to tell.
"""

from __future__ import annotations

import gc
import os
import sys
import threading
import time
from dataclasses import asdict, dataclass

from handlerbench.errors import UsageError
from handlerbench.handlers.target import Target

SETTLE_SECONDS = 2.0
BASELINE_STABLE_SECONDS = 0.25
FLAT_BYTES_PER_REQUEST = 1.0
FLAT_BYTES = 1 << 20
MIB = 1 << 20

_FD_DIR = "/proc/self/fd"
_STATM = "/proc/self/statm"

try:
    import resource
except ImportError:  # Windows
    resource = None  # type: ignore[assignment]

# What a sample's rss is: "current" (statm), "peak" (ru_maxrss) or None (neither).
RSS_MEASURE: str | None = (
    "current" if os.path.exists(_STATM) else "peak" if resource is not None else None
)


@dataclass(frozen=True)
class Sample:
    """The process at one point of a soak: ``requests`` done, ``elapsed`` seconds since start."""

    requests: int
    threads: int
    fds: int | None
    rss: int | None
    elapsed: float


def _open_fds() -> int | None:
    try:
        return len(os.listdir(_FD_DIR))
    except OSError:
        return None


def _rss() -> int | None:
    if RSS_MEASURE == "current":
        with open(_STATM) as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    if RSS_MEASURE == "peak":
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024  # macOS: bytes; else KiB
    return None


def _settle_threads(at_most: int, stable: float | None) -> None:
    """Wait until at most ``at_most`` threads run, or the count held for ``stable`` s."""
    now = time.monotonic()
    deadline, changed, count = now + SETTLE_SECONDS, now, threading.active_count()
    while count > at_most and now < deadline:
        if stable is not None and now - changed >= stable:
            return
        time.sleep(0.005)
        now, last, count = time.monotonic(), count, threading.active_count()
        if count != last:
            changed = now


def take_sample(
    requests: int, elapsed: float, threads_at_most: int, stable: float | None = None
) -> Sample:
    """Collect garbage, let exiting threads go (see ``_settle_threads``), then read."""
    gc.collect()
    _settle_threads(threads_at_most, stable)
    return Sample(requests, threading.active_count(), _open_fds(), _rss(), elapsed)


@dataclass
class SoakReport:
    """One soak's samples: start (after warm-up), one per checkpoint, end (after close)."""

    name: str
    requests: int
    checkpoints: int
    warmups: int
    samples: list[Sample]
    rss_measure: str | None = RSS_MEASURE

    def count_verdict(self, resource_name: str) -> dict:
        """``threads`` or ``fds``: the counts at start and after close, and the verdict.

        "grew" if the count after close is above the baseline, or if it rose
        while the driver was open (start to last checkpoint): a leak the
        driver's close happens to release is still a leak per request.
        """
        start = getattr(self.samples[0], resource_name)
        end = getattr(self.samples[-1], resource_name)
        last_open = getattr(self.samples[-2], resource_name)
        if start is None or end is None or last_open is None:
            return {"start": None, "end": None, "change": None, "verdict": "n/a"}
        open_growth = last_open - start
        verdict = "flat" if end <= start and open_growth <= 0 else "grew"
        return {
            "start": start,
            "end": end,
            "change": end - start,
            "open_growth": open_growth,
            "verdict": verdict,
        }

    def rss_verdict(self) -> dict:
        """RSS growth per request over the checkpoints, by half, and the verdict."""
        points = self.samples[1:-1]  # the checkpoints, driver open
        result: dict = {
            "from_requests": points[0].requests,
            "to_requests": points[-1].requests,
            "growth_bytes": None,
            "bytes_per_request": None,
            "first_half_bytes_per_request": None,
            "second_half_bytes_per_request": None,
            "verdict": "n/a",
            "steady_growth": False,
        }
        if self.rss_measure is None or len(points) < 2:
            return result
        mid = (len(points) - 1) // 2
        second = _rate(points[mid], points[-1])
        first = _rate(points[0], points[mid]) if mid > 0 else None
        growth = points[-1].rss - points[0].rss
        second_growth = points[-1].rss - points[mid].rss
        second_requests = points[-1].requests - points[mid].requests
        flat = second_growth < max(FLAT_BYTES, FLAT_BYTES_PER_REQUEST * second_requests)
        result.update(
            growth_bytes=growth,
            bytes_per_request=_rate(points[0], points[-1]),
            first_half_bytes_per_request=first,
            second_half_bytes_per_request=second,
            verdict="flat" if flat else "grew",
            steady_growth=not flat and (first is None or second >= first / 2),
        )
        return result

    def to_dict(self) -> dict:
        return {
            "scenario": self.name,
            "requests": self.requests,
            "checkpoints": self.checkpoints,
            "warmups": self.warmups,
            "rss_measure": self.rss_measure,
            "samples": [asdict(sample) for sample in self.samples],
            "threads": self.count_verdict("threads"),
            "fds": self.count_verdict("fds"),
            "rss": self.rss_verdict(),
        }


def _rate(before: Sample, after: Sample) -> float:
    return (after.rss - before.rss) / (after.requests - before.requests)


def _chunks(requests: int, checkpoints: int) -> list[int]:
    size, extra = divmod(requests, checkpoints)
    return [size + (1 if index < extra else 0) for index in range(checkpoints)]


def soak(
    target: Target, requests: int = 100_000, checkpoints: int = 10, warmups: int = 200
) -> SoakReport:
    """Run ``requests`` requests of ``target`` in ``checkpoints`` chunks, sampling after each.

    A timed request that answers another status raises ``HandlerbenchError``
    (from ``driver.time``); the driver is closed either way.
    """
    if checkpoints < 1:
        raise UsageError(f"checkpoints must be at least 1, not {checkpoints}")
    if requests < 1 or requests < checkpoints:
        raise UsageError(
            f"requests must be at least 1 and at least the checkpoints ({checkpoints}), "
            f"not {requests}"
        )
    if warmups < 0:
        raise UsageError(f"warmups must be 0 or more, not {warmups}")
    threads_before = threading.active_count()
    driver = target.build()
    try:
        if warmups:
            driver.time(warmups)
        # Building may start a thread for good (a watchdog, an executor): the
        # baseline waits for the count to fall to the one before, or to hold.
        samples = [take_sample(0, 0.0, threads_before, BASELINE_STABLE_SECONDS)]
        baseline_threads = samples[0].threads
        t0 = time.perf_counter()
        done = 0
        for chunk in _chunks(requests, checkpoints):
            driver.time(chunk)
            done += chunk
            samples.append(take_sample(done, time.perf_counter() - t0, baseline_threads))
    finally:
        driver.close()
    samples.append(take_sample(done, time.perf_counter() - t0, baseline_threads))
    return SoakReport(target.name, requests, checkpoints, warmups, samples)
