"""The deadline of sequential requests: a thread that ends a process whose request hangs.

A view that never returns (a lock never released, a socket read without a
timeout) would hang a run, and CI, for good. A thread stuck in a view cannot
be interrupted, and a normal exit would wait for it; so the watchdog prints
one line naming the scenario and ends the process with status 1. In a pyperf
worker, the master then names the failed benchmark.

The timing loops pay one attribute store per request (``watch.mark = n``);
one daemon thread per process looks at every watched loop four times a
second and fires when the same request has run longer than its deadline.
A view that never releases the GIL (a runaway regular expression) stops
that thread too, so each look also re-arms ``faulthandler``'s timer, which
needs no GIL: BACKSTOP seconds past the deadline it prints every thread's
stack and ends the process. Concurrent runs have their own watchdog
(``handlerbench.drive.concurrent``). The deadline itself travels with each
driver (``Driver.deadline``), never through this module.
"""

from __future__ import annotations

import faulthandler
import math
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from handlerbench.errors import error_line

DEFAULT_DEADLINE = 30.0
# Threads of the harness itself (watchdogs, samplers), never counted as the app's.
HARNESS = "handlerbench-harness-"
INTERVAL = 0.25
# How long past its deadline a request holding the GIL is given before
# faulthandler ends the process.
BACKSTOP = 30.0

# The watchdog's own state, one per process: the watched runs and its thread.
_active: set[Watch] = set()
_lock = threading.Lock()
_thread: threading.Thread | None = None
_cleanups: list[Callable[[], None]] = []


class Watch:
    """One watched run of requests; the loop sets ``mark`` as each request starts."""

    __slots__ = ("_seen", "_since", "deadline", "mark", "name")

    def __init__(self, name: str, seconds: float) -> None:
        self.name = name
        self.deadline = seconds
        self.mark = 0
        self._seen = 0
        self._since = time.monotonic()

    def overdue(self, now: float) -> bool:
        mark = self.mark
        if mark != self._seen:
            self._seen, self._since = mark, now
            return False
        return now - self._since > self.deadline


@contextmanager
def watched(name: str, seconds: float = DEFAULT_DEADLINE) -> Iterator[Watch]:
    """Watch the requests run while inside, each given ``seconds``; ``name`` is the
    scenario a hang is reported as. An infinite deadline starts no watchdog: a run under
    valgrind has none (its wake-ups would add instructions that grow with wall time)
    and is bounded by its parent instead."""
    watch = Watch(name, seconds)
    if math.isinf(seconds):
        yield watch
        return
    _start()
    with _lock:
        _active.add(watch)
    _arm_backstop([watch])
    try:
        yield watch
    finally:
        with _lock:
            _active.discard(watch)
            idle = not _active
        if idle:
            faulthandler.cancel_dump_traceback_later()


def _start() -> None:
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_watch, name=f"{HARNESS}deadline", daemon=True)
            _thread.start()


def _watch() -> None:
    while True:
        time.sleep(INTERVAL)
        now = time.monotonic()
        with _lock:
            watches = list(_active)
        for watch in watches:
            if watch.overdue(now):
                _fire(watch)
        if watches:
            _arm_backstop(watches)


def _arm_backstop(watches: list[Watch]) -> None:
    """(Re)start faulthandler's timer: it fires only if this thread stops re-arming it."""
    seconds = max(watch.deadline for watch in watches) + BACKSTOP
    faulthandler.dump_traceback_later(seconds, exit=True, file=sys.__stderr__)


def on_exit(cleanup: Callable[[], None]) -> Callable[[], None]:
    """Run ``cleanup`` if the watchdog ends the process; returns what unregisters it."""
    with _lock:
        _cleanups.append(cleanup)

    def unregister() -> None:
        with _lock:
            if cleanup in _cleanups:
                _cleanups.remove(cleanup)

    return unregister


def _fire(watch: Watch) -> None:
    for cleanup in list(_cleanups):
        with suppress(Exception):
            cleanup()
    print(
        error_line(
            f"{watch.name}: a request did not finish within its "
            f"{watch.deadline:g} s deadline (--deadline); the view may never return"
        ),
        file=sys.stderr,
        flush=True,
    )
    sys.stdout.flush()
    os._exit(1)


@contextmanager
def guard_blocked_loop(
    overdue: Callable[[float], bool], deadline: float, name: str, interval: float = 0.05
) -> Iterator[None]:
    """The last resort when a request blocks the event loop itself (a sync call in an
    async view): the in-loop watchdog can never run, so a thread ends the process.

    It acts only when ``overdue(deadline + 1.0)`` (a request is overdue by a
    further second, and its batch has not failed); it writes one line and
    exits with status 1, since a blocked loop cannot be recovered in this process.
    """
    stop = threading.Event()

    def guard() -> None:
        while not stop.wait(interval):
            if overdue(deadline + 1.0):
                print(
                    error_line(
                        f"{name}: a request did not finish within its "
                        f"{deadline:g} s deadline, and blocks the event loop"
                    ),
                    file=sys.stderr,
                    flush=True,
                )
                os._exit(1)

    thread = threading.Thread(target=guard, name=f"{HARNESS}loop-guard", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
