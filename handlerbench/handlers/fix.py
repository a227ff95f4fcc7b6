"""The #37177 fix, applied to a MIDDLEWARE list while one handler is built.

``MiddlewareMixin`` declares every subclass ``async_capable``, so under ASGI
``load_middleware`` builds an all-async chain and each subclass wraps each of
its sync hooks in its own ``sync_to_async``: 16 hops per request with the
default stack. Ticket #37177 proposes that a subclass whose hooks are all
sync declare itself sync-only, so ``load_middleware`` adapts the contiguous
sync block once. ``sync_only_where_hooks_are_sync`` sets exactly those flags
on exactly those classes, and only while the handler is built:
``load_middleware`` reads the flags then and never again, and every class
gets back what it held. Django's files are not touched.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

HOOKS = (
    "process_request",
    "process_view",
    "process_template_response",
    "process_response",
    "process_exception",
)
FLAGS = ("sync_capable", "async_capable")
_ABSENT = object()


def hooks_are_sync(middleware: object) -> bool:
    """Is this a MiddlewareMixin subclass that only inherited its async capability?

    True when it keeps MiddlewareMixin's ``__call__``/``__acall__`` and its
    flags, and none of its hooks is a coroutine function. A class that
    declares its own flags or calls (``RemoteUserMiddleware``, a natively
    async middleware) meant what it said and is left alone.
    """
    from asgiref.sync import iscoroutinefunction
    from django.utils.deprecation import MiddlewareMixin

    if not (isinstance(middleware, type) and issubclass(middleware, MiddlewareMixin)):
        return False
    if middleware is MiddlewareMixin:
        # Flipping the mixin would flip every subclass, listed or not.
        return False
    below_mixin = middleware.__mro__[: middleware.__mro__.index(MiddlewareMixin)]
    declared = {"__call__", "__acall__", *FLAGS}
    if any(declared & set(vars(cls)) for cls in below_mixin):
        return False
    return not any(iscoroutinefunction(getattr(middleware, hook, None)) for hook in HOOKS)


def fixable(paths: Sequence[str]) -> list[str]:
    """The paths the fix would declare sync-only (unimportable ones are skipped)."""
    from django.utils.module_loading import import_string

    found = []
    for path in dict.fromkeys(paths):
        try:
            if hooks_are_sync(import_string(path)):
                found.append(path)
        except ImportError:
            continue
    return found


@contextmanager
def sync_only_where_hooks_are_sync(paths: Sequence[str]) -> Iterator[list[str]]:
    """Declare sync-only each middleware in ``paths`` whose hooks are all sync, while inside.

    Yields the dotted paths it changed. Middleware that fail to import are
    left for ``load_middleware`` to report.
    """
    from django.utils.module_loading import import_string

    classes: dict[type, str] = {}
    listed: list[type] = []
    for path in paths:
        try:
            middleware = import_string(path)
        except ImportError:
            continue
        listed.append(middleware)
        if hooks_are_sync(middleware):
            classes.setdefault(middleware, path)
    # A listed class left alone must not inherit a flipped parent's flags: pin
    # what it has now on the class itself while inside.
    pinned = [
        cls
        for cls in dict.fromkeys(listed)
        if isinstance(cls, type)
        and cls not in classes
        and any(parent in classes for parent in cls.__mro__[1:])
    ]
    touched = [*classes, *pinned]
    saved = {cls: {flag: vars(cls).get(flag, _ABSENT) for flag in FLAGS} for cls in touched}
    current = {cls: {flag: getattr(cls, flag, _ABSENT) for flag in FLAGS} for cls in pinned}
    try:
        for cls, flags in current.items():
            for flag, value in flags.items():
                if value is not _ABSENT:
                    setattr(cls, flag, value)
        for cls in classes:
            cls.sync_capable = True
            cls.async_capable = False
        yield list(classes.values())
    finally:
        for cls, flags in saved.items():
            for flag, value in flags.items():
                if value is _ABSENT:
                    if flag in vars(cls):
                        delattr(cls, flag)
                else:
                    setattr(cls, flag, value)
