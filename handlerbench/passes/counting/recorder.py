"""The recorder: what one request did, hop by hop, while the counting patches call it.

A ``sync_to_async`` hop is recorded on the event loop when called and
completed on the thread that ran it (which executor: the per-request
thread, the loop's pool, the caller's blocked thread ...); an
``async_to_sync`` hop is recorded in the calling thread and completed on
the loop that ran it (the request's, or a new one).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from asgiref.sync import AsyncToSync, SyncToAsync

from handlerbench.compat import frame_qualname
from handlerbench.passes.counting.model import A2S, S2A, Adaptation, Hop, RequestRecord
from handlerbench.passes.counting.naming import callable_name, unnumbered


class Recorder:
    """Collects hops while a request is being recorded; idle otherwise."""

    def __init__(self) -> None:
        self.current: RequestRecord | None = None
        self.adaptations: list[Adaptation] = []
        self._waiting: dict[int, list[Hop]] = {}
        # The loops themselves, not their ids: a closed loop's id can be
        # reused by the next new one (WSGI's async_to_sync makes one per call).
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._sync_callers: set[int] = set()

    # sync_to_async: recorded on the loop when called, completed on the thread that ran it.
    def s2a_called(self, s2a: SyncToAsync) -> None:
        loop = asyncio.get_running_loop()
        if not any(seen is loop for seen in self._loops):
            self._loops.append(loop)
        if self.current is None:
            return
        hop = Hop(S2A, callable_name(s2a.func), bool(getattr(s2a, "_thread_sensitive", True)))
        self.current.hops.append(hop)
        self._waiting.setdefault(id(s2a), []).append(hop)

    def s2a_running(self, s2a: SyncToAsync, loop: asyncio.AbstractEventLoop) -> None:
        waiting = self._waiting.get(id(s2a))
        if not waiting:
            return
        hop = waiting.pop(0)
        thread = threading.current_thread()
        hop.thread = unnumbered(thread.name)
        hop.executor = self._s2a_executor(s2a, thread, loop)

    def _s2a_executor(self, s2a: SyncToAsync, thread: threading.Thread, loop: Any) -> str:
        if thread.ident in self._sync_callers:
            return "caller's sync thread"
        if _ran_on(thread, SyncToAsync.context_to_thread_executor.values()):
            return "per-request thread (ThreadSensitiveContext)"
        if _ran_on(thread, [SyncToAsync.single_thread_executor]):
            return "process-wide single thread"
        if getattr(s2a, "_executor", None) is not None:
            return "given executor"
        if _ran_on(thread, [getattr(loop, "_default_executor", None)]):
            return "event loop's default executor"
        return "other thread"

    # async_to_sync: recorded in the calling sync thread, completed on the loop that ran it.
    def a2s_called(self, a2s: AsyncToSync) -> None:
        if self.current is None:
            return
        hop = Hop(A2S, callable_name(a2s.awaitable), None)
        self.current.hops.append(hop)
        self._waiting.setdefault(id(a2s), []).append(hop)

    def a2s_running(self, a2s: AsyncToSync) -> None:
        waiting = self._waiting.get(id(a2s))
        if not waiting:
            return
        hop = waiting.pop(0)
        hop.thread = unnumbered(threading.current_thread().name)
        loop = asyncio.get_running_loop()
        if any(seen is loop for seen in self._loops):
            hop.executor = "the request's event loop"
        else:
            hop.executor = "a new event loop"

    @contextmanager
    def sync_caller(self) -> Iterator[None]:
        """Mark this thread as blocked in async_to_sync (a CurrentThreadExecutor)."""
        ident = threading.get_ident()
        nested = ident in self._sync_callers
        self._sync_callers.add(ident)
        try:
            yield
        finally:
            if not nested:
                self._sync_callers.discard(ident)

    def thread_started(self, thread: threading.Thread) -> None:
        if self.current is not None:
            self.current.threads.append(unnumbered(thread.name))

    def executor_created(self, creator: str) -> None:
        if self.current is not None:
            self.current.executors.append(creator)

    def record(self, driver: Any) -> RequestRecord:
        """Run one request through ``driver`` and return what it did."""
        self.current = RequestRecord()
        self._waiting.clear()
        try:
            driver.request()
            return self.current
        finally:
            self.current = None


def _ran_on(thread: threading.Thread, executors: Any) -> bool:
    """Is ``thread`` one of these ThreadPoolExecutors' workers?

    A new worker may run its first job before the executor has added it to
    ``_threads``, so the worker's name (``<prefix>_<n>``) decides too.
    """
    for executor in list(executors):
        if executor is None:
            continue
        if thread in getattr(executor, "_threads", ()):
            return True
        prefix = getattr(executor, "_thread_name_prefix", None)
        if prefix and thread.name.startswith(prefix + "_"):
            return True
    return False


def creator(frame: Any) -> str:
    """``module:function`` of the code that created an executor."""
    return f"{frame.f_globals.get('__name__', '?')}:{frame_qualname(frame)}"
