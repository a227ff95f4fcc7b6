"""Naming what a hop wrapped, as a person recognises it.

``SessionMiddleware.process_request``, ``ItemsView.as_view()``,
``request_started(reset_queries, close_old_connections)``: a hop's callable
is unwrapped (partials, decorators), a bound method is named by its concrete
class (``MiddlewareMixin`` hooks are inherited), a class-based view by its
class, and the local function Django's ``Signal.send``/``asend`` hops to by
its signal and receivers.
"""

from __future__ import annotations

import functools
import inspect
import re
import sys
import weakref
from typing import Any

from handlerbench.compat import signal_receiver


def unnumbered(thread_name: str) -> str:
    """``ThreadPoolExecutor-12_0`` -> ``ThreadPoolExecutor-N_0``: numbers grow per request."""
    return re.sub(r"(?<=[-_])\d+(?=_|\b)", "N", thread_name, count=1)


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
        names.append(callable_name(signal_receiver(receiver)))
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
                # compat.SIGNAL_ASEND: before it, the hop is to Signal.send itself:
                # name what it will call.
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
