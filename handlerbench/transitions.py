"""The counting pass: every sync/async transition a request makes, by name.

``count_transitions(target)`` patches asgiref's ``SyncToAsync.__call__`` and
``AsyncToSync.__call__`` at class level (Django imports the functions by
name, so patching ``asgiref.sync.sync_to_async`` would miss nearly every
call), plus where each hop ran (``SyncToAsync.thread_handler``,
``AsyncToSync.main_wrap``), ``ThreadPoolExecutor.__init__``,
``threading.Thread.start`` and Django's ``BaseHandler.adapt_method_mode``.
It builds the target's checked driver under the patches, warms it up, and
records requests one at a time. The patches exist only inside
``instrumented()``; afterwards every class holds exactly what it held before,
and the timing pass refuses to run while any patch is installed.

Counts are exact and repeatable, so tests and CI may assert them.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import re
import sys
import threading
import weakref
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from asgiref.sync import AsyncToSync, SyncToAsync

from handlerbench.compat import frame_qualname
from handlerbench.errors import UsageError
from handlerbench.targets import Target

S2A = "sync_to_async"
A2S = "async_to_sync"


@dataclass
class Hop:
    """One transition: which way, what it wrapped, and what ran it."""

    direction: str
    name: str
    thread_sensitive: bool | None
    executor: str = "not run"
    thread: str = ""


@dataclass
class Adaptation:
    """A method ``load_middleware`` wrapped once, when the handler was built."""

    direction: str
    name: str


@dataclass
class RequestRecord:
    """Everything one request did: hops in order, threads started, executors created."""

    hops: list[Hop] = field(default_factory=list)
    # Thread names as ``_unnumbered`` gives them, so requests compare equal.
    threads: list[str] = field(default_factory=list)
    executors: list[str] = field(default_factory=list)

    def signature(self) -> tuple:
        """What must agree between requests: thread numbers aside, the same record."""
        return (
            [(h.direction, h.name, h.thread_sensitive, h.executor) for h in self.hops],
            self.threads,
            self.executors,
        )


@dataclass
class TransitionReport:
    """The per-request transition report of one target."""

    scenario: str
    requests: int
    consistent: bool
    record: RequestRecord
    adaptations: list[Adaptation]

    @property
    def hops(self) -> list[Hop]:
        return self.record.hops

    @property
    def sync_to_async(self) -> int:
        return sum(h.direction == S2A for h in self.hops)

    @property
    def async_to_sync(self) -> int:
        return sum(h.direction == A2S for h in self.hops)

    @property
    def thread_sensitive(self) -> int:
        return sum(bool(h.thread_sensitive) for h in self.hops)

    @property
    def threads_started(self) -> int:
        return len(self.record.threads)

    @property
    def executors_created(self) -> int:
        return len(self.record.executors)

    def to_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "requests_counted": self.requests,
            "consistent": self.consistent,
            "sync_to_async": self.sync_to_async,
            "async_to_sync": self.async_to_sync,
            "thread_sensitive": self.thread_sensitive,
            "threads_started": self.threads_started,
            "executors_created": self.executors_created,
            "hops": [asdict(hop) for hop in self.hops],
            "threads": list(self.record.threads),
            "executors": list(self.record.executors),
            "adapted_at_load": [asdict(a) for a in self.adaptations],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TransitionReport:
        """The report ``to_dict`` gave (``transitions --format json``), read back."""
        record = RequestRecord(
            [Hop(**hop) for hop in data["hops"]],
            list(data["threads"]),
            list(data["executors"]),
        )
        adaptations = [Adaptation(**a) for a in data["adapted_at_load"]]
        return cls(
            data["scenario"], data["requests_counted"], data["consistent"], record, adaptations
        )

    def metadata(self) -> dict[str, Any]:
        """The counts as pyperf metadata (per request)."""
        metadata: dict[str, Any] = {
            "sync_to_async": self.sync_to_async,
            "async_to_sync": self.async_to_sync,
            "thread_sensitive": self.thread_sensitive,
            "threads_started": self.threads_started,
            "executors_created": self.executors_created,
        }
        if self.hops:
            metadata["hop_list"] = "; ".join(f"{_SHORT[h.direction]} {h.name}" for h in self.hops)
        return metadata


_SHORT = {S2A: "s2a", A2S: "a2s"}


def _unnumbered(thread_name: str) -> str:
    """``ThreadPoolExecutor-12_0`` -> ``ThreadPoolExecutor-N_0``: numbers grow per request."""
    return re.sub(r"(?<=[-_])\d+(?=_|\b)", "N", thread_name, count=1)


# ---------------------------------------------------------------- naming


def _signal_names() -> dict[int, str]:
    """Django's signals by identity, from every loaded ``*signals`` module."""
    from django.dispatch import Signal

    names = {}
    for module_name, module in list(sys.modules.items()):
        if module is None or not module_name.endswith("signals"):
            continue
        for attribute, value in list(vars(module).items()):
            if isinstance(value, Signal):
                names.setdefault(id(value), attribute)
    return names


def _receiver_names(receivers: Any) -> list[str]:
    names = []
    for receiver in receivers if isinstance(receivers, (list, tuple)) else []:
        if isinstance(receiver, tuple):  # older Django keeps (key, receiver) pairs
            receiver = receiver[-1]
        names.append(callable_name(receiver))
    return names


def _connected(signal: Any) -> list:
    """The receivers connected to ``signal``, live ones only.

    Every Django keeps ``(lookup_key, receiver, ...)`` entries, the receiver
    a weak reference unless connected with ``weak=False``.
    """
    found = []
    for entry in list(signal.receivers):
        receiver = entry[1]
        if isinstance(receiver, weakref.ReferenceType):
            receiver = receiver()
        if receiver is not None:
            found.append(receiver)
    return found


def _describe_signal(signal: Any, receivers: Any = None) -> str:
    name = _signal_names().get(id(signal), "signal")
    listed = _receiver_names(receivers)
    return f"{name}({', '.join(listed)})" if listed else name


def _signal_in_closure(func: Any) -> str | None:
    """Django's Signal.send/asend wrap receivers in a local function: name its signal."""
    if "django.dispatch" not in sys.modules or not getattr(func, "__closure__", None):
        return None
    from django.dispatch import Signal

    cells = []
    for cell in func.__closure__:
        try:
            cells.append(cell.cell_contents)
        except ValueError:  # an empty cell
            continue
    signal = next((c for c in cells if isinstance(c, Signal)), None)
    if signal is None:
        return None
    receivers = next((c for c in cells if isinstance(c, list)), None)
    return _describe_signal(signal, receivers)


def callable_name(func: Any) -> str:
    """A name a person recognises: ``SessionMiddleware.process_request``, ``request_started``."""
    while isinstance(func, functools.partial):
        func = func.func
    view_class = getattr(func, "view_class", None)
    if isinstance(view_class, type):
        # A class-based view's as_view(): its __wrapped__ is the base View.dispatch.
        return f"{view_class.__qualname__}.as_view()"
    func = inspect.unwrap(func) if callable(func) else func
    owner = getattr(func, "__self__", None)
    if owner is not None and inspect.ismethod(func):
        if "django.dispatch" in sys.modules:
            from django.dispatch import Signal

            if isinstance(owner, Signal):
                # Django < 5.0 hops to Signal.send itself: name what it will call.
                listed = ", ".join(_receiver_names(_connected(owner)))
                return f"{_describe_signal(owner)}.{func.__name__}({listed})"
        # The concrete class: MiddlewareMixin hooks are inherited methods.
        return f"{type(owner).__name__}.{func.__name__}"
    from_signal = _signal_in_closure(func)
    if from_signal:
        return from_signal
    qualname = getattr(func, "__qualname__", None)
    if qualname:
        return qualname
    return f"{type(func).__name__}.__call__"


# ---------------------------------------------------------------- recording


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
        hop.thread = _unnumbered(thread.name)
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
        hop.thread = _unnumbered(threading.current_thread().name)
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
            self.current.threads.append(_unnumbered(thread.name))

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


def _creator(frame: Any) -> str:
    """``module:function`` of the code that created an executor."""
    return f"{frame.f_globals.get('__name__', '?')}:{frame_qualname(frame)}"


# ---------------------------------------------------------------- patches

ORIGINALS: dict[tuple[type, str], Any] = {
    (SyncToAsync, "__call__"): SyncToAsync.__dict__["__call__"],
    (SyncToAsync, "thread_handler"): SyncToAsync.__dict__["thread_handler"],
    (AsyncToSync, "__call__"): AsyncToSync.__dict__["__call__"],
    (AsyncToSync, "main_wrap"): AsyncToSync.__dict__["main_wrap"],
    (ThreadPoolExecutor, "__init__"): ThreadPoolExecutor.__dict__["__init__"],
    (threading.Thread, "start"): threading.Thread.__dict__["start"],
}


def _django_base_handler() -> type | None:
    if "django" not in sys.modules:
        return None
    from django.core.handlers.base import BaseHandler

    return BaseHandler


def is_instrumented() -> bool:
    """True while any counting patch is installed (the timing pass refuses to run then)."""
    patched = any(
        owner.__dict__.get(name) is not original for (owner, name), original in ORIGINALS.items()
    )
    handler = _django_base_handler()
    return patched or (
        handler is not None and getattr(handler.adapt_method_mode, "_handlerbench", False)
    )


def _patches(recorder: Recorder) -> dict[tuple[type, str], Any]:
    s2a_call = ORIGINALS[(SyncToAsync, "__call__")]
    s2a_thread_handler = ORIGINALS[(SyncToAsync, "thread_handler")]
    a2s_call = ORIGINALS[(AsyncToSync, "__call__")]
    a2s_main_wrap = ORIGINALS[(AsyncToSync, "main_wrap")]
    executor_init = ORIGINALS[(ThreadPoolExecutor, "__init__")]
    thread_start = ORIGINALS[(threading.Thread, "start")]

    @functools.wraps(s2a_call)
    async def counted_s2a_call(self, *args, **kwargs):
        recorder.s2a_called(self)
        return await s2a_call(self, *args, **kwargs)

    # Positional arguments after ``loop`` changed in asgiref 3.8: pass them on untouched.
    @functools.wraps(s2a_thread_handler)
    def counted_thread_handler(self, loop, *args, **kwargs):
        recorder.s2a_running(self, loop)
        return s2a_thread_handler(self, loop, *args, **kwargs)

    @functools.wraps(a2s_call)
    def counted_a2s_call(self, *args, **kwargs):
        recorder.a2s_called(self)
        with recorder.sync_caller():
            return a2s_call(self, *args, **kwargs)

    # main_wrap's signature changed in asgiref 3.8 and 3.9: pass everything on.
    @functools.wraps(a2s_main_wrap)
    async def counted_main_wrap(self, *args, **kwargs):
        recorder.a2s_running(self)
        return await a2s_main_wrap(self, *args, **kwargs)

    @functools.wraps(executor_init)
    def counted_executor_init(self, *args, **kwargs):
        recorder.executor_created(_creator(sys._getframe(1)))
        return executor_init(self, *args, **kwargs)

    @functools.wraps(thread_start)
    def counted_thread_start(self, *args, **kwargs):
        recorder.thread_started(self)
        return thread_start(self, *args, **kwargs)

    return {
        (SyncToAsync, "__call__"): counted_s2a_call,
        (SyncToAsync, "thread_handler"): counted_thread_handler,
        (AsyncToSync, "__call__"): counted_a2s_call,
        (AsyncToSync, "main_wrap"): counted_main_wrap,
        (ThreadPoolExecutor, "__init__"): counted_executor_init,
        (threading.Thread, "start"): counted_thread_start,
    }


def _adaptation_patch(recorder: Recorder, handler_class: type) -> Any:
    original = handler_class.__dict__["adapt_method_mode"]

    @functools.wraps(original)
    def recorded_adapt_method_mode(self, is_async, method, *args, **kwargs):
        adapted = original(self, is_async, method, *args, **kwargs)
        if adapted is not method:
            name = kwargs.get("name") or (args[2] if len(args) > 2 else None)
            recorder.adaptations.append(
                Adaptation(S2A if is_async else A2S, name or callable_name(method))
            )
        return adapted

    recorded_adapt_method_mode._handlerbench = True
    return original, recorded_adapt_method_mode


@contextmanager
def instrumented(recorder: Recorder) -> Iterator[Recorder]:
    """Install the counting patches; on exit every patched class is exactly as before."""
    if is_instrumented():
        raise RuntimeError("a counting pass is already running in this process")
    installed: list[tuple[type, str, Any]] = []
    try:
        for (owner, name), patch in _patches(recorder).items():
            installed.append((owner, name, owner.__dict__[name]))
            setattr(owner, name, patch)
        handler_class = _django_base_handler()
        if handler_class is not None:
            original, patch = _adaptation_patch(recorder, handler_class)
            installed.append((handler_class, "adapt_method_mode", original))
            handler_class.adapt_method_mode = patch
        yield recorder
    finally:
        for owner, name, original in reversed(installed):
            setattr(owner, name, original)


def count_transitions(target: Target, requests: int = 3, warmups: int = 1) -> TransitionReport:
    """Count what one request of ``target`` does: ``requests`` recorded, compared, reported.

    The driver is built and checked under the patches (so load-time
    adaptations are seen), then warmed up: first-request work such as URL
    resolver set-up is not a per-request cost.
    """
    if requests < 1:
        raise UsageError("--requests must be at least 1")
    recorder = Recorder()
    with instrumented(recorder):
        driver = target.build()
        try:
            for _ in range(warmups):
                driver.request()
            records = [recorder.record(driver) for _ in range(requests)]
        finally:
            driver.close()
    first = records[0]
    consistent = all(r.signature() == first.signature() for r in records[1:])
    return TransitionReport(target.name, requests, consistent, first, recorder.adaptations)


# ---------------------------------------------------------------- text


def format_report(report: TransitionReport) -> str:
    """Totals, then what was adapted once at load, then every hop of one request in order."""
    lines = [
        f"{report.scenario}: {report.sync_to_async} sync_to_async, "
        f"{report.async_to_sync} async_to_sync per request "
        f"({report.thread_sensitive} thread-sensitive); "
        f"{report.threads_started} threads started, "
        f"{report.executors_created} executors created"
    ]
    if not report.consistent:
        lines.append(
            f"  warning: the {report.requests} recorded requests differ; showing the first"
        )
    if report.adaptations:
        lines.append("  wrapped once, when the handler was built (each wrapper hops when called):")
        lines += [f"    {a.direction:<14} {a.name}" for a in report.adaptations]
    if report.hops:
        lines.append("  per request, in order:")
        width = max(len(h.name) for h in report.hops)
        for number, hop in enumerate(report.hops, 1):
            sensitive = {True: "thread-sensitive", False: "any thread", None: ""}[
                hop.thread_sensitive
            ]
            lines.append(
                f"    {number:>3}  {hop.direction:<14} {hop.name:<{width}}  "
                f"{sensitive:<16}  {hop.executor}"
            )
    if report.record.threads:
        lines.append(f"  threads started: {', '.join(report.record.threads)}")
    if report.record.executors:
        lines.append(f"  executors created by: {', '.join(report.record.executors)}")
    return "\n".join(lines)
