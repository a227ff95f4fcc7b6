"""The built-in tiny Django project, configured in code: no settings file needed.

``configure()`` sets Django up once per process; ``build_handler()`` makes a
WSGIHandler or ASGIHandler with one of the middleware stacks of
``handlerbench.app.stacks``. The views and what each must answer are in
``views`` and ``endpoints``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from handlerbench.app.settings import configure
from handlerbench.app.stacks import DEFAULT_MIDDLEWARE, Stack, resolve
from handlerbench.errors import HandlerbenchError


@contextmanager
def middleware_setting(stack: tuple[str, ...]) -> Iterator[None]:
    """Set ``settings.MIDDLEWARE`` while a handler is built, then put it back.

    Handlers read MIDDLEWARE once, in ``load_middleware``, so one configured
    process can hold handlers with different stacks.
    """
    from django.conf import settings

    saved = settings.MIDDLEWARE
    settings.MIDDLEWARE = list(stack)
    try:
        yield
    finally:
        settings.MIDDLEWARE = saved


def build_handler(kind: str, stack: Stack | str):
    """A fresh Django handler of ``kind`` ("wsgi"/"asgi") with ``stack``'s middleware.

    ``stack`` is a ``Stack`` or the name of one (``"default-fixed"``).
    """
    if isinstance(stack, str):
        stack = resolve(stack)
    configure()
    from django.core.handlers.asgi import ASGIHandler
    from django.core.handlers.wsgi import WSGIHandler
    from django.utils.module_loading import import_string

    from handlerbench.modes import sync_only_where_hooks_are_sync

    for path in stack.middleware:
        try:
            import_string(path)
        except ImportError as exc:
            raise HandlerbenchError(f"middleware {path} does not import: {exc}") from exc
    handler_class = {"wsgi": WSGIHandler, "asgi": ASGIHandler}[kind]
    with ExitStack() as during_build:
        during_build.enter_context(middleware_setting(stack.middleware))
        if stack.fixed:
            during_build.enter_context(sync_only_where_hooks_are_sync(stack.middleware))
        return handler_class()


__all__ = ["DEFAULT_MIDDLEWARE", "Stack", "build_handler", "configure"]
