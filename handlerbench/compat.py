"""Version differences, in one place.

Each entry names the versions it covers and why handlerbench cares. Code
elsewhere calls these names and never tests a version itself.
"""

import asyncio
import contextvars
import platform
import re
import sys
from collections.abc import Coroutine
from importlib import metadata
from types import FrameType
from typing import Any

# Python 3.11 added ``context=`` to ``loop.create_task``. On 3.10 a task
# copies the context current at creation, so creating it inside a fresh
# Context gives the same result at the price of one extra call.
if sys.version_info >= (3, 11):

    def create_task_in_fresh_context(
        loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any]
    ) -> asyncio.Task:
        """Start ``coro`` as a task in an empty context, as a server does per request."""
        return loop.create_task(coro, context=contextvars.Context())

else:

    def create_task_in_fresh_context(
        loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, Any]
    ) -> asyncio.Task:
        """Start ``coro`` as a task in an empty context, as a server does per request."""
        return contextvars.Context().run(loop.create_task, coro)


def distribution_version(name: str) -> str:
    """The installed version of a distribution, or ``"unknown"`` for a source tree."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


def python_version() -> str:
    """``3.11.7 (64-bit)``, as pyperf records ``python_version``."""
    bits = platform.architecture()[0].replace("bit", "-bit")
    return f"{platform.python_version()} ({bits})"


def django_version() -> str:
    """Django's version; ``django.__version__`` also covers a checkout on sys.path."""
    import django

    return django.__version__


def asgiref_version() -> str:
    """asgiref's version; ``asgiref.__version__`` also covers a checkout on sys.path."""
    import asgiref

    return asgiref.__version__


# Python 3.11 added ``co_qualname`` (``Class.method``); 3.10 has only ``co_name``,
# so there the class comes from the frame's ``self``.
def frame_qualname(frame: FrameType) -> str:
    """``Class.method`` (or ``function``) of the code running in ``frame``."""
    qualname = getattr(frame.f_code, "co_qualname", None)
    if qualname:
        return qualname
    owner = frame.f_locals.get("self")
    name = frame.f_code.co_name
    return f"{type(owner).__name__}.{name}" if owner is not None else name


# Python 3.12 moved cProfile onto sys.monitoring, which is per interpreter: one
# enabled ``cProfile.Profile`` sees every thread. On 3.10/3.11 it hooks only the
# thread that enabled it, so passes/profiling.py gives each new thread (the executor
# threads asgiref starts per ASGI request) a profiler of its own.
CPROFILE_SEES_ALL_THREADS = sys.version_info >= (3, 12)


# Python 3.12 added sys.monitoring (PEP 669): one PY_START callback per interpreter
# sees every Python function start on every thread, and not a generator's or
# coroutine's resumption (PY_RESUME). 3.10/3.11 have only profile hooks, per thread
# (sys.setprofile for the current one, threading.setprofile for threads started
# later), whose "call" event also fires on each resumption: is_function_start()
# keeps the starts, so both methods count the same thing. passes/counting/counters.py
# records which one counted (CALLS_METHOD).
CALLS_BY_MONITORING = sys.version_info >= (3, 12)
CALLS_METHOD = "sys.monitoring PY_START" if CALLS_BY_MONITORING else "setprofile call"
_GENERATOR_LIKE = 0x20 | 0x80 | 0x200  # CO_GENERATOR, CO_COROUTINE, CO_ASYNC_GENERATOR

if sys.version_info >= (3, 11):
    import dis

    _RESUME = dis.opmap["RESUME"]

    def is_function_start(frame: FrameType) -> bool:
        """A profile hook's "call" event starts ``frame`` (not a resumption): 3.11+ stops
        at ``RESUME 0`` on a start and at ``RESUME 1-3`` after a yield or an await."""
        code = frame.f_code
        if not code.co_flags & _GENERATOR_LIKE:
            return True
        raw = code.co_code
        return raw[frame.f_lasti] == _RESUME and raw[frame.f_lasti + 1] == 0

else:

    def is_function_start(frame: FrameType) -> bool:
        """A profile hook's "call" event starts ``frame`` (not a resumption): on 3.10 a
        frame that has not run yet has ``f_lasti == -1``."""
        return not frame.f_code.co_flags & _GENERATOR_LIKE or frame.f_lasti < 0


# Python 3.13 added sys._clear_internal_caches() (the type attribute cache and the
# specialisation caches); before, sys._clear_type_cache(). The type cache holds the
# last attribute names looked up, so what a request frees depends on what ran before.
def clear_interpreter_caches() -> None:
    """Empty the interpreter's attribute caches, so each counted request starts alike."""
    clear = getattr(sys, "_clear_internal_caches", None) or sys._clear_type_cache
    clear()


# ------------------------------------------------------------------------------
# Django and asgiref releases: what changes the path of a request, and since when.
#
# Nothing here switches handlerbench's behaviour: it measures whatever is
# installed. These name the differences a user sees in `transitions` and
# `report` when comparing versions, and the tests assert counts through them.
#
# - Per-request ThreadSensitiveContext (every supported Django): ASGIHandler
#   runs each request in its own context, so thread-sensitive sync code gets
#   an executor, and a thread, of its own per request.
# - asgiref 3.8: an async_to_sync built while no loop runs (the one Django's
#   load_middleware makes when a sync middleware block hands back to the
#   async chain: the #37177 fix's single hop back) looks for the request's
#   loop when called. asgiref 3.7 looked only when built, so it runs the
#   coroutine on a new event loop, in a new thread, on every request:
#   `transitions` shows "a new event loop", and explain prices it so.
# - asgiref 3.12: ThreadSensitiveContext.__aexit__ joins that executor from a
#   new thread instead of blocking the event loop: 2 threads per ASGI request,
#   1 before. Before 3.12, cancelling a request whose sync code is stuck
#   blocks the loop in __aexit__, which is why drive/concurrent.py never cancels.
# - Django 5.0: Signal.asend. request_started's sync receivers run in one
#   sync_to_async of a local function (named by its receivers); 4.2 wraps
#   request_started.send itself (named with the receivers it calls). One hop
#   either way.
# - Django 5.0: ASGIHandler listens for http.disconnect (listen_for_disconnect)
#   in a second task while the request runs (asyncio.wait); Django 6.1 runs
#   the two in an asyncio.TaskGroup. Neither adds a hop, both add a task.
# - The default middleware are MiddlewareMixin subclasses declared
#   async-capable in every supported Django (ticket #37177): 16 hops per ASGI
#   request with a sync view, 15 with an async one.

# - asgiref 3.8 and 3.9 changed the signatures of SyncToAsync.thread_handler
#   (the arguments after ``loop``) and AsyncToSync.main_wrap: the counting
#   patches pass every argument on untouched (ASGIREF_HOP_SIGNATURES).
# - Before asgiref 3.12, cancelling a request whose sync code is stuck blocks
#   the event loop in ThreadSensitiveContext.__aexit__ (it joins the request's
#   thread): the concurrent driver never cancels (CANCEL_BLOCKS_LOOP_BEFORE_ASGIREF).
# - Django < 5.0 keeps Signal.send's sync receivers as (lookup_key, receiver)
#   pairs in the local function it hops to; later Djangos keep the receivers
#   (``signal_receiver``).

SIGNAL_ASEND = (5, 0)
JOIN_THREAD_ASGIREF = (3, 12)
ASGIREF_HOP_SIGNATURES = ((3, 8), (3, 9))
CANCEL_BLOCKS_LOOP_BEFORE_ASGIREF = JOIN_THREAD_ASGIREF


def signal_receiver(entry: Any) -> Any:
    """A receiver from the list Django's signal hop closes over: the receiver itself,
    or the last item of Django < 5.0's ``(lookup_key, receiver)`` pair."""
    return entry[-1] if isinstance(entry, tuple) else entry


def version_tuple(version: str) -> tuple[int, int]:
    """``"5.2.19"`` -> ``(5, 2)``; pre-release suffixes are ignored."""
    match = re.match(r"(\d+)(?:\.(\d+))?", version)
    if match is None:
        raise ValueError(f"not a version: {version!r}")
    return int(match.group(1)), int(match.group(2) or 0)


def asgi_threads_per_request(asgiref: str | None = None) -> int:
    """Threads one ASGI request starts: its executor, plus the join thread since 3.12."""
    return 2 if version_tuple(asgiref or asgiref_version()) >= JOIN_THREAD_ASGIREF else 1


def request_started_hop(django: str | None = None) -> str:
    """How the counting pass names request_started's hop on this Django."""
    if version_tuple(django or django_version()) >= SIGNAL_ASEND:
        return "request_started(reset_queries, close_old_connections)"
    return "request_started.send(reset_queries, close_old_connections)"


# The asgiref a Django release works with is what its own package metadata
# requires (4.2: ">=3.6.0,<4"; 5.1: ">=3.8.1"; 6.0: ">=3.9.1"). pip enforces
# it, but a hand-made environment (an editable checkout, a pinned lock file)
# can break it; the handlers would then fail somewhere deep inside a request.
_CLAUSE = re.compile(r"\s*(>=|<=|==|!=|~=|>|<)\s*([0-9][0-9a-zA-Z.]*)\s*$")


def release_tuple(version: str) -> tuple[int, ...]:
    """``"3.8.1"`` -> ``(3, 8, 1)``; ``"4"`` -> ``(4,)``; suffixes are ignored."""
    match = re.match(r"\d+(?:\.\d+)*", version)
    if match is None:
        raise ValueError(f"not a version: {version!r}")
    return tuple(int(part) for part in match.group(0).split("."))


def _satisfies(version: tuple[int, ...], op: str, wanted: tuple[int, ...]) -> bool:
    width = max(len(version), len(wanted))
    have, want = version + (0,) * (width - len(version)), wanted + (0,) * (width - len(wanted))
    if op == "~=":
        return have >= want and have[: len(wanted) - 1] == want[: len(wanted) - 1]
    return {
        ">=": have >= want,
        "<=": have <= want,
        ">": have > want,
        "<": have < want,
        "==": have == want,
        "!=": have != want,
    }[op]


def django_asgiref_mismatch(
    requirements: list[str] | None = None, asgiref: str | None = None
) -> str | None:
    """Why the installed asgiref is not one the installed Django requires; None if it is."""
    if requirements is None:
        try:
            requirements = metadata.requires("django") or []
        except metadata.PackageNotFoundError:
            return None
    for requirement in requirements:
        match = re.match(r"\s*asgiref\s*([^;]*)$", requirement, re.IGNORECASE)
        if not match or not match.group(1).strip():
            continue
        specifier = match.group(1).strip().strip("()")
        installed = asgiref or asgiref_version()
        for clause in specifier.split(","):
            parsed = _CLAUSE.match(clause)
            if parsed and not _satisfies(
                release_tuple(installed), parsed.group(1), release_tuple(parsed.group(2))
            ):
                return (
                    f"Django {django_version()} requires asgiref{specifier}, but asgiref "
                    f"{installed} is installed (pip install 'asgiref{specifier}')"
                )
    return None
