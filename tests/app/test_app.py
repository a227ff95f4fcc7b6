import inspect

import pytest
from asgiref.sync import iscoroutinefunction
from django.conf import settings

from handlerbench import app
from handlerbench.app.settings import configure
from handlerbench.app.stacks import resolve
from handlerbench.errors import HandlerbenchError


@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
def test_build_handler_uses_the_stack_and_restores_settings(kind):
    before = settings.MIDDLEWARE
    handler = app.build_handler(kind, "default")
    assert before == settings.MIDDLEWARE
    assert handler._middleware_chain is not None
    empty = app.build_handler(kind, "none")
    # Of the seven, only CsrfViewMiddleware has a process_view hook.
    assert [type(m.__self__).__name__ for m in handler._view_middleware] == ["CsrfViewMiddleware"]
    assert empty._view_middleware == []


def test_built_in_settings_are_production_like():
    assert settings.DEBUG is False
    assert settings.ALLOWED_HOSTS
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
    # A file every thread sees, not a per-connection :memory: database.
    assert settings.DATABASES["default"]["NAME"].endswith("db.sqlite3")
    assert settings.DATABASES["default"].get("CONN_MAX_AGE", 0) == 0


@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
def test_build_handler_takes_a_stack_or_its_name(kind):
    by_name = app.build_handler(kind, "each:AuthenticationMiddleware")
    by_stack = app.build_handler(kind, resolve("each:AuthenticationMiddleware"))
    assert [type(m).__name__ for m in middleware_chain(by_name)] == [
        "SessionMiddleware",
        "AuthenticationMiddleware",
    ]
    assert middleware_names(by_name) == middleware_names(by_stack)


def middleware_chain(handler):
    """The middleware instances of a built handler, outermost first."""
    found = []
    node = handler._middleware_chain
    while node is not None:
        node = inspect.unwrap(node)
        instance = getattr(node, "__self__", node)
        if type(instance).__module__.startswith(("django.middleware", "django.contrib")):
            found.append(instance)
        node = getattr(instance, "get_response", None)
        if node is not None and type(node).__name__ == "method":
            break
    return found


def middleware_names(handler):
    return [type(m).__name__ for m in middleware_chain(handler)]


def test_fixed_stack_is_applied_only_while_building():
    from django.contrib.sessions.middleware import SessionMiddleware

    assert SessionMiddleware.async_capable is True
    handler = app.build_handler("asgi", "default-fixed")
    assert SessionMiddleware.async_capable is True
    assert "async_capable" not in vars(SessionMiddleware)
    # Built sync-only: the whole chain is sync, wrapped once at the top.
    fixed = middleware_chain(handler)
    default = middleware_chain(app.build_handler("asgi", "default"))
    assert len(fixed) == len(default) == 7
    assert not any(iscoroutinefunction(m) for m in fixed)
    assert all(iscoroutinefunction(m) for m in default)


def test_configure_twice_is_harmless():
    configure()
    configure()


def test_configure_refuses_other_settings(monkeypatch):
    monkeypatch.setattr(settings, "HANDLERBENCH_BUILT_IN_APP", False)
    with pytest.raises(HandlerbenchError, match="already configured with other settings"):
        configure()
