import pytest
from django.conf import settings

from handlerbench import app
from handlerbench.app.settings import configure
from handlerbench.errors import HandlerbenchError


def test_default_stack_is_startprojects_seven():
    assert len(app.STACKS["default"]) == 7
    assert app.STACKS["default"][0] == "django.middleware.security.SecurityMiddleware"
    assert app.STACKS["default"][-1] == "django.middleware.clickjacking.XFrameOptionsMiddleware"
    assert app.STACKS["none"] == ()


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


def test_configure_twice_is_harmless():
    configure()
    configure()


def test_configure_refuses_other_settings(monkeypatch):
    monkeypatch.setattr(settings, "HANDLERBENCH_BUILT_IN_APP", False)
    with pytest.raises(HandlerbenchError, match="already configured with other settings"):
        configure()
