"""Version differences, in one place.

Each entry names the versions it covers and why handlerbench cares. Code
elsewhere calls these names and never tests a version itself.
"""

import asyncio
import contextvars
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
