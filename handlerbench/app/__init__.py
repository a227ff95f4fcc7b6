"""The built-in tiny Django project, configured in code: no settings file needed.

``configure()`` sets Django up once per process; ``build_handler()`` makes a
WSGIHandler or ASGIHandler with one of the middleware stacks of
``handlerbench.app.stacks``. The views and what each must answer are in
``views`` and ``endpoints``.
"""

from __future__ import annotations

from handlerbench.app.settings import configure
from handlerbench.app.stacks import DEFAULT_MIDDLEWARE, Stack, resolve
from handlerbench.handlers.build import make_handler


def build_handler(kind: str, stack: Stack | str):
    """A fresh Django handler of ``kind`` ("wsgi"/"asgi") with ``stack``'s middleware.

    ``stack`` is a ``Stack`` or the name of one (``"default-fixed"``).
    """
    if isinstance(stack, str):
        stack = resolve(stack)
    configure()
    return make_handler(kind, stack.middleware, stack.fixed)


__all__ = ["DEFAULT_MIDDLEWARE", "Stack", "build_handler", "configure"]
