"""Stack names resolve to MIDDLEWARE lists; bad names are usage errors naming the choices."""

import re

import pytest

from handlerbench.app.stacks import (
    ASYNC_PASS_THROUGH,
    DEFAULT_MIDDLEWARE,
    EACH_STACKS,
    SESSION,
    STACK_NAMES,
    SYNC_PASS_THROUGH,
    Stack,
    expand,
    resolve,
)
from handlerbench.errors import UsageError


def test_default_stack_is_startprojects_seven_in_order():
    assert resolve("default") == Stack("default", DEFAULT_MIDDLEWARE)
    assert len(DEFAULT_MIDDLEWARE) == 7
    assert DEFAULT_MIDDLEWARE[0] == "django.middleware.security.SecurityMiddleware"
    assert DEFAULT_MIDDLEWARE[-1] == "django.middleware.clickjacking.XFrameOptionsMiddleware"
    assert resolve("none").middleware == ()


def test_fixed_is_the_same_list_with_the_fix_flag():
    assert resolve("default-fixed") == Stack("default-fixed", DEFAULT_MIDDLEWARE, fixed=True)
    assert resolve("custom-fixed", ("a.B",)) == Stack("custom-fixed", ("a.B",), fixed=True)


def test_pass_through_stacks_match_the_default_length():
    assert resolve("sync-only").middleware == (SYNC_PASS_THROUGH,) * 7
    assert resolve("async-native").middleware == (ASYNC_PASS_THROUGH,) * 7


def test_each_is_one_stack_per_default_middleware_with_its_prerequisites():
    assert expand(["none", "each"]) == ["none", *EACH_STACKS]
    assert len(EACH_STACKS) == 7
    assert resolve("each:CommonMiddleware").middleware == (DEFAULT_MIDDLEWARE[2],)
    assert resolve("each:AuthenticationMiddleware").middleware == (SESSION, DEFAULT_MIDDLEWARE[4])
    assert resolve("each:MessageMiddleware").middleware == (SESSION, DEFAULT_MIDDLEWARE[5])


def test_custom_takes_the_given_list():
    assert resolve("custom", ("a.B", "c.D")).middleware == ("a.B", "c.D")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("custom", "stack 'custom' needs --middleware a.B,c.D"),
        ("each", "stack 'each' is a set of scenarios"),
        ("none-fixed", "unknown stack 'none-fixed'"),
        ("each:GZipMiddleware", "unknown stack 'each:GZipMiddleware'"),
        ("huge", "unknown stack 'huge' (choose from none, default, default-fixed"),
    ],
)
def test_bad_stacks_are_usage_errors(name, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        resolve(name)


def test_every_listed_name_resolves():
    for name in STACK_NAMES:
        assert resolve(name, ("a.B",)).name == name
