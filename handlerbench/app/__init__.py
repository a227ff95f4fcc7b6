"""The built-in tiny Django project, configured in code: no settings file needed.

``configure()`` sets Django up once per process; ``build_handler()`` makes a
WSGIHandler or ASGIHandler with one of the named middleware stacks.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from handlerbench.app.settings import configure

# The seven middleware of `django-admin startproject`, in its order.
DEFAULT_MIDDLEWARE: tuple[str, ...] = (
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)

STACKS: dict[str, tuple[str, ...]] = {
    "none": (),
    "default": DEFAULT_MIDDLEWARE,
}

HELLO = b"Hello, World!"


@dataclass(frozen=True)
class View:
    """Where a built-in view answers and what a correct answer is."""

    path: str
    status: int
    body: bytes


VIEWS: dict[str, View] = {
    "sync": View("/sync/", 200, HELLO),
    "async": View("/async/", 200, HELLO),
}


@contextmanager
def middleware(stack: tuple[str, ...]) -> Iterator[None]:
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


def build_handler(kind: str, stack: str):
    """A fresh Django handler of ``kind`` ("wsgi"/"asgi") with the named stack."""
    configure()
    from django.core.handlers.asgi import ASGIHandler
    from django.core.handlers.wsgi import WSGIHandler

    handler_class = {"wsgi": WSGIHandler, "asgi": ASGIHandler}[kind]
    with middleware(STACKS[stack]):
        return handler_class()


__all__ = ["DEFAULT_MIDDLEWARE", "STACKS", "VIEWS", "View", "build_handler", "configure"]
