"""Threads: the one hook on ``Thread.start``, and counting the app's threads.

Both the counting pass (which names every thread a request starts) and the
concurrent observation (which counts threads alive at the peak) need to see
each ``Thread.start``. ``on_thread_start`` is the one patch: installed while
any listener is registered, removed with the last, so ``threading`` is
exactly as it was outside (``hooked()`` says whether it is). Threads of the
harness itself are named with ``HARNESS`` and never counted as the app's.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from time import thread_time

from handlerbench.drive.deadline import HARNESS

_ORIGINAL_START = threading.Thread.__dict__["start"]
# The listeners, per process, guarded by _lock: called before and after a start.
_before: list[Callable[[threading.Thread], None]] = []
_after: list[Callable[[threading.Thread], None]] = []
_lock = threading.Lock()


@functools.wraps(_ORIGINAL_START)
def _hooked_start(self: threading.Thread, *args, **kwargs) -> None:
    for listener in list(_before):
        listener(self)
    _ORIGINAL_START(self, *args, **kwargs)
    for listener in list(_after):
        listener(self)


@contextmanager
def on_thread_start(
    listener: Callable[[threading.Thread], None], *, after: bool = False
) -> Iterator[None]:
    """Call ``listener(thread)`` at every ``Thread.start`` while inside (before the
    thread runs, or ``after`` it started)."""
    listeners = _after if after else _before
    with _lock:
        listeners.append(listener)
        threading.Thread.start = _hooked_start  # type: ignore[method-assign]
    try:
        yield
    finally:
        with _lock:
            listeners.remove(listener)
            if not _before and not _after:
                threading.Thread.start = _ORIGINAL_START  # type: ignore[method-assign]


def hooked() -> bool:
    """True while ``Thread.start`` is not the original (a listener, or anyone else's patch)."""
    return threading.Thread.__dict__["start"] is not _ORIGINAL_START


class ThreadWatch:
    """Threads started, and the most alive at once (exact and sampled).

    Peaks count the threads alive beyond the ``baseline`` (by default those
    alive when watching began), plus one for the main thread: the ticket's
    "peak thr", 51 at c=50 when each of 50 requests has a thread of its own.
    Threads already alive beyond the baseline when watching begins (a client
    pool started by a warm-up) count from the start, not from the sampler's
    first look, which a short batch may end before.
    """

    def __init__(self, baseline: int | None = None) -> None:
        self.lock = threading.Lock()
        self.baseline = app_threads() if baseline is None else baseline
        self.started = 0
        self.peak = self.alive()
        self.peak_sampled = self.peak
        # CPU the sampler itself used, to leave out of a batch's CPU time.
        self.sampler_cpu = 0.0

    def alive(self) -> int:
        # Plus one for the main thread.
        return app_threads() - self.baseline + 1


def app_threads() -> int:
    """Threads alive, the harness's own left out."""
    return sum(not thread.name.startswith(HARNESS) for thread in threading.enumerate())


@contextmanager
def watch_threads(baseline: int | None = None, interval: float = 0.001) -> Iterator[ThreadWatch]:
    """Count threads while inside: every ``Thread.start``, and a sampler.

    ``peak`` is read right after each start (the only moment the count can
    grow, though threads ending at the same time can hide one); the sampler
    (itself not counted) reads it every ``interval`` seconds. ``baseline``:
    the threads alive before, by default those alive now.
    """
    watch = ThreadWatch(baseline)
    stop = threading.Event()

    def counted(thread: threading.Thread) -> None:
        if thread.name.startswith(HARNESS):
            return
        with watch.lock:
            watch.started += 1
            watch.peak = max(watch.peak, watch.alive())

    def sample() -> None:
        cpu = thread_time()
        while not stop.wait(interval):
            watch.peak_sampled = max(watch.peak_sampled, watch.alive())
        watch.sampler_cpu = thread_time() - cpu

    sampler = threading.Thread(target=sample, name=f"{HARNESS}thread-sampler", daemon=True)
    sampler.start()
    try:
        with on_thread_start(counted, after=True):
            yield watch
    finally:
        stop.set()
        sampler.join()
