"""Endpoints: each view's request and expected answer, derived without calling the view."""

import re

import pytest

from handlerbench.app.endpoints import (
    CSRF_FIELD,
    MAX_BODY_SIZE,
    VIEWS,
    ViewOptions,
    endpoint,
)
from handlerbench.errors import UsageError


def test_defaults_are_the_tickets_delay_and_documented_sizes():
    assert ViewOptions() == ViewOptions(delay_ms=5.0, work=10_000, body_size=1024)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"delay_ms": -1}, "--delay -1: must be 0 to 60000 ms"),
        ({"delay_ms": float("nan")}, "--delay nan"),
        ({"delay_ms": float("inf")}, "--delay inf"),
        ({"work": 0}, "--work 0: must be 1 to 10**9"),
        ({"body_size": 10}, f"--body-size 10: must be {len(CSRF_FIELD)} to {MAX_BODY_SIZE}"),
        ({"body_size": MAX_BODY_SIZE + 1}, "DATA_UPLOAD_MAX_MEMORY_SIZE"),
    ],
)
def test_bad_options_are_usage_errors(options, message):
    with pytest.raises(UsageError, match=re.escape(message)):
        ViewOptions(**options)


def test_cpu_expectation_is_the_loops_result():
    for work in (1, 2, 10, 12_345):
        expected = sum(i * i for i in range(work))
        assert endpoint("cpu", ViewOptions(work=work)).body == b'{"ct": %d}' % expected


def test_sleep_views_carry_the_delay_in_the_path_and_metadata():
    sleep = endpoint("async-io", ViewOptions(delay_ms=2.5))
    assert sleep.request.path == "/async-io/2500/"
    assert sleep.body == b"slept 2500 us"
    assert sleep.parameters == {"delay_ms": 2.5}
    assert endpoint("sync", ViewOptions(delay_ms=2.5)).parameters == {}


@pytest.mark.parametrize("size", [len(CSRF_FIELD), 1024, 100_000])
def test_post_body_is_exactly_body_size_bytes_with_the_csrf_token(size):
    post = endpoint("post", ViewOptions(body_size=size))
    assert post.request.method == "POST"
    assert len(post.request.body) == size
    headers = dict(post.request.all_headers())
    assert headers["content-length"] == str(size)
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    token = headers["cookie"].removeprefix("csrftoken=")
    assert len(token) == 32
    assert post.request.body.startswith(f"csrfmiddlewaretoken={token}&payload=".encode())
    assert post.body == b'{"fields": 2, "payload": %d}' % (size - len(CSRF_FIELD))


def test_only_the_db_views_use_the_database():
    assert [name for name in VIEWS if endpoint(name).uses_db] == ["db-sync", "db-async"]


def test_every_view_has_a_description_and_a_distinct_path():
    paths = [endpoint(name).request.path for name in VIEWS]
    assert len(set(paths)) == len(paths)
    assert all(description for description, _ in VIEWS.values())
