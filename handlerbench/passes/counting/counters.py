"""Deterministic counters per request: Python calls and memory, counted apart from the timing.

Times vary from run to run; the work a request does hardly varies, so these
counters can gate CI where times cannot (``compare --max-increase``). They
are taken on the counting pass's driver once the hop patches are removed
(the patches' own Python code would be counted), one pass per counter (the
call hook allocates; tracemalloc does not change calls but slows them), and
never in the timed loops: while any hook is installed ``hooked()`` is true
and the timing pass refuses to run.

- ``calls``: Python function starts on every thread but handlerbench's own
  (``HARNESS``), over one batch of ``CALL_REQUESTS`` requests of the timed
  loop (``driver.time``), per request. sys.monitoring's PY_START on Python
  3.12+, a profile hook before (``compat.CALLS_METHOD``); neither counts C
  functions or a generator's (or coroutine's) resumption.
- ``allocations``: tracemalloc's peak of traced memory above the baseline
  during one request, in bytes: the median of ``ALLOCATION_REQUESTS``.
  Python exposes no count of gross allocations: ``sys.getallocatedblocks()``
  and tracemalloc's current size are net, about 0 for a request that frees
  what it allocates.

Every counted batch or request starts alike: a full collection and empty
attribute caches (``compat.clear_interpreter_caches``). The threads it
started are joined before its counts are read; the calling thread's count
stops when the request returns, before the harness joins them.
"""

from __future__ import annotations

import gc
import statistics
import sys
import threading
import tracemalloc
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from handlerbench.compat import (
    CALLS_BY_MONITORING,
    CALLS_METHOD,
    clear_interpreter_caches,
    is_function_start,
)
from handlerbench.drive import Driver
from handlerbench.drive.deadline import HARNESS
from handlerbench.errors import HandlerbenchError
from handlerbench.passes.counting.model import Counters

CALL_REQUESTS = 50
ALLOCATION_REQUESTS = 21
WARMUPS = 3
# A thread a request started and left running (a pool's worker) is waited for this long.
JOIN_TIMEOUT = 5.0
TOOL_NAME = "handlerbench"
# sys.monitoring's tool ids no tool claims by convention (0-2 and 5 are named).
FREE_TOOL_IDS = (3, 4)

# Whether tracemalloc is tracing because the allocations pass started it.
_tracing = False


class CallCounter:
    """Python function starts per thread, counted while ``active``."""

    def __init__(self) -> None:
        self.counts: dict[int, int] = defaultdict(int)
        self.active = False
        # The pass is over: a thread that still has the hook removes it at its next event.
        self.closed = False
        self.tool: int | None = None

    def profile(self, frame: FrameType, event: str, arg: Any) -> None:
        """The profile hook (Python 3.10/3.11)."""
        if self.closed:
            sys.setprofile(None)
        elif event == "call" and self.active and is_function_start(frame):
            self.counts[threading.get_ident()] += 1

    def started(self, code: Any, offset: int) -> None:
        """sys.monitoring's PY_START callback (Python 3.12+)."""
        if self.active:
            self.counts[threading.get_ident()] += 1


def _ours(hook: Any) -> bool:
    return isinstance(getattr(hook, "__self__", None), CallCounter)


def hooked() -> bool:
    """True while a counter's hook is installed, or tracemalloc runs for the counters."""
    if CALLS_BY_MONITORING and any(sys.monitoring.get_tool(tool) == TOOL_NAME for tool in range(6)):
        return True
    return _tracing or _ours(sys.getprofile()) or _ours(threading.getprofile())


@contextmanager
def installed(counter: CallCounter | None) -> Iterator[None]:
    """``counter``'s hooks for a whole counting pass (nothing with None).

    Before 3.12 a profile hook reaches only the threads started after it is
    set, so it is set before the driver is built: the threads the event loop
    keeps (its default executor) are counted too. Inactive, it counts nothing.
    """
    if counter is None:
        yield
        return
    if hooked():
        raise RuntimeError("a counting pass is already running in this process")
    if CALLS_BY_MONITORING:
        monitoring = sys.monitoring
        free = [tool for tool in FREE_TOOL_IDS if monitoring.get_tool(tool) is None]
        if not free:
            raise HandlerbenchError(
                f"cannot count calls: sys.monitoring tool ids {FREE_TOOL_IDS} are in use"
            )
        counter.tool = free[0]
        monitoring.use_tool_id(counter.tool, TOOL_NAME)
        monitoring.register_callback(counter.tool, monitoring.events.PY_START, counter.started)
        try:
            yield
        finally:
            monitoring.set_events(counter.tool, 0)
            monitoring.register_callback(counter.tool, monitoring.events.PY_START, None)
            monitoring.free_tool_id(counter.tool)
        return
    previous = threading.getprofile()
    threading.setprofile(counter.profile)
    try:
        yield
    finally:
        threading.setprofile(previous)
        # Threads started meanwhile keep the hook (only a thread can unset its own).
        counter.closed = True


@contextmanager
def counting(counter: CallCounter) -> Iterator[None]:
    """Count while inside: on this thread too, and (3.12+) with the events switched on."""
    counter.counts.clear()
    counter.active = True
    if CALLS_BY_MONITORING:
        sys.monitoring.set_events(counter.tool, sys.monitoring.events.PY_START)
    else:
        sys.setprofile(counter.profile)
    try:
        yield
    finally:
        if CALLS_BY_MONITORING:
            sys.monitoring.set_events(counter.tool, 0)
        else:
            sys.setprofile(None)
        counter.active = False


def settle() -> None:
    """Start alike: a full collection (which empties the free lists), empty attribute caches."""
    gc.collect()
    clear_interpreter_caches()


def _join_new(before: set[threading.Thread]) -> None:
    """Wait for the threads started since ``before`` (not the harness's own) to end."""
    dummy = getattr(threading, "_DummyThread", ())
    for thread in threading.enumerate():
        if thread in before or thread is threading.current_thread():
            continue
        if thread.name.startswith(HARNESS) or isinstance(thread, dummy):
            continue
        thread.join(JOIN_TIMEOUT)


def count_calls(driver: Driver, counter: CallCounter, requests: int = CALL_REQUESTS) -> float:
    """Python function starts per request over one batch of ``requests``, every thread."""
    driver.time(WARMUPS)
    before = set(threading.enumerate())
    settle()
    main = threading.get_ident()
    with counting(counter):
        driver.time(requests)
        # Read before the harness's own code (the joins below) runs on this thread.
        own = counter.counts.get(main, 0)
        _join_new(before)
        harness = {t.ident for t in threading.enumerate() if t.name.startswith(HARNESS)}
        others = sum(n for ident, n in counter.counts.items() if ident not in {main, *harness})
    return (own + others) / requests


def allocation_peaks(driver: Driver, requests: int = ALLOCATION_REQUESTS) -> list[int]:
    """tracemalloc's peak above the baseline, in bytes, of each of ``requests`` requests."""
    global _tracing
    ours = not tracemalloc.is_tracing()
    if ours:
        tracemalloc.start()
        _tracing = True
    try:
        driver.time(WARMUPS)
        peaks = []
        for _ in range(requests):
            before = set(threading.enumerate())
            settle()
            baseline, _ = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            driver.time(1)
            _join_new(before)
            peaks.append(tracemalloc.get_traced_memory()[1] - baseline)
        return peaks
    finally:
        if ours:
            tracemalloc.stop()
            _tracing = False


def measure_allocations(driver: Driver, calls: float) -> Counters:
    """The counters of ``driver``: ``calls`` as counted, and its ``allocations`` now.

    Run with no call hook installed: a profile hook makes frame objects, which allocate.
    """
    allocations = statistics.median_low(allocation_peaks(driver))
    return Counters(round(calls, 1), CALLS_METHOD, allocations)
