"""Handlers built with a chosen MIDDLEWARE leave the setting and the classes as they were."""

import pytest
from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware

from handlerbench.app.stacks import DEFAULT_MIDDLEWARE
from handlerbench.errors import HandlerbenchError
from handlerbench.handlers.build import make_handler


@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
def test_the_handler_runs_the_given_middleware_and_the_setting_is_restored(kind):
    before = list(settings.MIDDLEWARE)
    handler = make_handler(kind, DEFAULT_MIDDLEWARE)
    assert before == settings.MIDDLEWARE
    assert type(handler).__name__ == {"wsgi": "WSGIHandler", "asgi": "ASGIHandler"}[kind]
    # CsrfViewMiddleware's process_view is the default stack's only view hook.
    assert [type(hook.__self__).__name__ for hook in handler._view_middleware] == [
        "CsrfViewMiddleware"
    ]
    assert make_handler(kind, ())._view_middleware == []


def test_the_fix_is_applied_only_while_the_handler_is_built():
    make_handler("asgi", DEFAULT_MIDDLEWARE, fixed=True)
    assert SessionMiddleware.async_capable is True
    assert "async_capable" not in vars(SessionMiddleware)


def test_a_middleware_that_does_not_import_is_one_line():
    with pytest.raises(HandlerbenchError, match=r"^middleware no\.such\.Thing does not import: "):
        make_handler("wsgi", ["no.such.Thing"])
