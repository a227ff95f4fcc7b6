"""Django's handlers built with a chosen MIDDLEWARE, in an already configured process.

Handlers read ``settings.MIDDLEWARE`` once, in ``load_middleware``, so one
process can hold handlers with different stacks: the setting is swapped
only while a handler is built, and the #37177 fix (``handlerbench.handlers.fix``)
is applied only then too. Used for the built-in app and for a user's own
project alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager

from handlerbench.errors import HandlerbenchError

KINDS = ("wsgi", "asgi")


@contextmanager
def middleware_setting(middleware: Sequence[str]) -> Iterator[None]:
    """Set ``settings.MIDDLEWARE`` while a handler is built, then put it back."""
    from django.conf import settings

    saved = settings.MIDDLEWARE
    settings.MIDDLEWARE = list(middleware)
    try:
        yield
    finally:
        settings.MIDDLEWARE = saved


def make_handler(kind: str, middleware: Sequence[str], fixed: bool = False):
    """A fresh ``WSGIHandler`` or ``ASGIHandler`` running ``middleware``.

    ``fixed`` applies the #37177 fix while it is built. A middleware that
    does not import is one clear line, not a traceback from deep in Django.
    """
    from django.core.handlers.asgi import ASGIHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.utils.module_loading import import_string

    from handlerbench.handlers.fix import sync_only_where_hooks_are_sync

    for path in middleware:
        try:
            import_string(path)
        except ImportError as exc:
            raise HandlerbenchError(f"middleware {path} does not import: {exc}") from exc
    handler_class = {"wsgi": WSGIHandler, "asgi": ASGIHandler}[kind]
    with ExitStack() as during_build:
        during_build.enter_context(middleware_setting(middleware))
        if fixed:
            during_build.enter_context(sync_only_where_hooks_are_sync(middleware))
        return handler_class()
