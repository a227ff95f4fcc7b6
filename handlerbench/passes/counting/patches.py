"""The counting patches: asgiref's hop points, executors, threads and Django's adaptations.

``SyncToAsync.__call__`` and ``AsyncToSync.__call__`` are patched at class
level (Django imports the functions by name, so patching
``asgiref.sync.sync_to_async`` would miss nearly every call), plus where
each hop ran (``SyncToAsync.thread_handler``, ``AsyncToSync.main_wrap``),
``ThreadPoolExecutor.__init__``, ``Thread.start`` (through the one hook,
``handlerbench.drive.threads``) and Django's ``BaseHandler.adapt_method_mode``.
They exist only inside ``instrumented()``; afterwards every class holds
exactly what it held before, and ``is_instrumented()`` lets the timing pass
refuse to run while any is installed, or any counter's hook (``counters``).
The patches pass every argument on untouched: the signatures they wrap
changed across asgiref releases (``compat.ASGIREF_HOP_SIGNATURES``).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from asgiref.sync import AsyncToSync, SyncToAsync

from handlerbench.drive.threads import hooked, on_thread_start
from handlerbench.passes.counting import counters
from handlerbench.passes.counting.model import A2S, S2A, Adaptation
from handlerbench.passes.counting.naming import callable_name
from handlerbench.passes.counting.recorder import Recorder, creator

ORIGINALS: dict[tuple[type, str], Any] = {
    (SyncToAsync, "__call__"): SyncToAsync.__dict__["__call__"],
    (SyncToAsync, "thread_handler"): SyncToAsync.__dict__["thread_handler"],
    (AsyncToSync, "__call__"): AsyncToSync.__dict__["__call__"],
    (AsyncToSync, "main_wrap"): AsyncToSync.__dict__["main_wrap"],
    (ThreadPoolExecutor, "__init__"): ThreadPoolExecutor.__dict__["__init__"],
}


def _django_base_handler() -> type | None:
    if "django" not in sys.modules:
        return None
    from django.core.handlers.base import BaseHandler

    return BaseHandler


def _patched() -> bool:
    """True while any hop patch is installed."""
    patched = any(
        owner.__dict__.get(name) is not original for (owner, name), original in ORIGINALS.items()
    )
    handler = _django_base_handler()
    return (
        patched
        or hooked()
        or (handler is not None and getattr(handler.adapt_method_mode, "_handlerbench", False))
    )


def is_instrumented() -> bool:
    """True while any counting patch or counter's hook is installed (the timing pass
    refuses to run then)."""
    return _patched() or counters.hooked()


def _patches(recorder: Recorder) -> dict[tuple[type, str], Any]:
    s2a_call = ORIGINALS[(SyncToAsync, "__call__")]
    s2a_thread_handler = ORIGINALS[(SyncToAsync, "thread_handler")]
    a2s_call = ORIGINALS[(AsyncToSync, "__call__")]
    a2s_main_wrap = ORIGINALS[(AsyncToSync, "main_wrap")]
    executor_init = ORIGINALS[(ThreadPoolExecutor, "__init__")]

    @functools.wraps(s2a_call)
    async def counted_s2a_call(self, *args, **kwargs):
        recorder.s2a_called(self)
        return await s2a_call(self, *args, **kwargs)

    # compat.ASGIREF_HOP_SIGNATURES: pass every argument on untouched.
    @functools.wraps(s2a_thread_handler)
    def counted_thread_handler(self, loop, *args, **kwargs):
        recorder.s2a_running(self, loop)
        return s2a_thread_handler(self, loop, *args, **kwargs)

    @functools.wraps(a2s_call)
    def counted_a2s_call(self, *args, **kwargs):
        recorder.a2s_called(self)
        with recorder.sync_caller():
            return a2s_call(self, *args, **kwargs)

    # compat.ASGIREF_HOP_SIGNATURES: pass every argument on untouched.
    @functools.wraps(a2s_main_wrap)
    async def counted_main_wrap(self, *args, **kwargs):
        recorder.a2s_running(self)
        return await a2s_main_wrap(self, *args, **kwargs)

    @functools.wraps(executor_init)
    def counted_executor_init(self, *args, **kwargs):
        recorder.executor_created(creator(sys._getframe(1)))
        return executor_init(self, *args, **kwargs)

    return {
        (SyncToAsync, "__call__"): counted_s2a_call,
        (SyncToAsync, "thread_handler"): counted_thread_handler,
        (AsyncToSync, "__call__"): counted_a2s_call,
        (AsyncToSync, "main_wrap"): counted_main_wrap,
        (ThreadPoolExecutor, "__init__"): counted_executor_init,
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
    if _patched():
        raise RuntimeError("a counting pass is already running in this process")
    installed: list[tuple[type, str, Any]] = []
    try:
        with on_thread_start(recorder.thread_started):
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
