"""Drivers run the real entry points the way servers do, and refuse to time unchecked."""

import contextvars
import sys

import pytest
from django.core.signals import request_finished, request_started

from handlerbench.app import build_handler
from handlerbench.drive import AsgiDriver, WsgiDriver, make_driver, new_event_loop
from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.wire.request import RequestSpec

MARK = contextvars.ContextVar("mark", default="fresh")


@pytest.fixture
def signal_counts():
    counts = {"started": 0, "finished": 0}

    def started(sender, **kwargs):
        counts["started"] += 1

    def finished(sender, **kwargs):
        counts["finished"] += 1

    request_started.connect(started, weak=False, dispatch_uid="test-drivers")
    request_finished.connect(finished, weak=False, dispatch_uid="test-drivers")
    yield counts
    request_started.disconnect(dispatch_uid="test-drivers")
    request_finished.disconnect(dispatch_uid="test-drivers")


@pytest.mark.parametrize("handler", ["wsgi", "asgi"])
@pytest.mark.parametrize("stack", ["none", "default"])
@pytest.mark.parametrize("view", ["sync", "async"])
def test_request_finished_fires_once_per_request(
    handler, stack, view, signal_counts, drivers_to_close
):
    driver = make_driver(handler, build_handler(handler, stack), RequestSpec(path=f"/{view}/"), "t")
    drivers_to_close.append(driver)
    response = driver.request()
    assert (response.status, response.body) == (200, b"Hello, World!")
    assert signal_counts == {"started": 1, "finished": 1}
    driver.expected_status = 200
    driver.time(5)
    assert signal_counts == {"started": 6, "finished": 6}


@pytest.mark.parametrize("handler", ["wsgi", "asgi"])
def test_timing_before_a_check_is_refused(handler, drivers_to_close):
    driver = make_driver(handler, build_handler(handler, "none"), RequestSpec(path="/sync/"), "t")
    drivers_to_close.append(driver)
    with pytest.raises(RuntimeError, match="before a checked request"):
        driver.time(1)


def test_wsgi_driver_consumes_and_closes_the_iterable():
    events = []

    class Body:
        def __iter__(self):
            events.append("iter")
            yield b"a"
            yield b"b"

        def close(self):
            events.append("close")

    def app(environ, start_response):
        start_response("200 OK", [])
        return Body()

    driver = WsgiDriver(app, RequestSpec(), "t")
    assert driver.request().body == b"ab"
    driver.expected_status = 200
    driver.time(2)
    assert events == ["iter", "close"] * 3


def test_wsgi_driver_fails_a_run_whose_status_changes():
    statuses = iter(["200 OK", "200 OK", "500 Internal Server Error", "200 OK"])

    def app(environ, start_response):
        start_response(next(statuses), [])
        return [b""]

    driver = WsgiDriver(app, RequestSpec(), "flaky")
    driver.expected_status = driver.request().status
    with pytest.raises(HandlerbenchError, match="flaky: 1 of 3 timed requests did not answer 200"):
        driver.time(3)


def test_asgi_driver_fails_a_run_whose_status_changes():
    statuses = iter([200, 503, 200])

    async def app(scope, receive, send):
        await receive()
        await send({"type": "http.response.start", "status": next(statuses)})
        await send({"type": "http.response.body"})

    driver = AsgiDriver(app, RequestSpec(), "flaky")
    try:
        driver.expected_status = driver.request().status
        with pytest.raises(HandlerbenchError, match="1 of 2 timed requests"):
            driver.time(2)
    finally:
        driver.close()


def test_each_asgi_request_runs_in_its_own_task_with_a_fresh_context():
    seen = []

    async def app(scope, receive, send):
        import asyncio

        seen.append((MARK.get(), asyncio.current_task()))
        MARK.set("leaked")
        await receive()
        await send({"type": "http.response.start", "status": 200})
        await send({"type": "http.response.body"})

    driver = AsgiDriver(app, RequestSpec(), "t")
    try:
        MARK.set("outer")
        driver.request()
        driver.expected_status = 200
        driver.time(2)
    finally:
        driver.close()
    assert [mark for mark, _ in seen] == ["fresh"] * 3
    assert len({id(task) for _, task in seen}) == 3


def test_asgi_driver_owns_one_loop_until_closed():
    driver = AsgiDriver(build_handler("asgi", "none"), RequestSpec(path="/async/"), "t")
    loop = driver.loop
    driver.request()
    driver.request()
    assert driver.loop is loop and not loop.is_closed()
    driver.close()
    assert loop.is_closed()
    driver.close()  # closing twice is harmless


def test_an_asgi_app_that_never_responds_is_an_error():
    async def app(scope, receive, send):
        await receive()

    driver = AsgiDriver(app, RequestSpec(), "silent")
    try:
        with pytest.raises(HandlerbenchError, match="silent: the app returned without sending"):
            driver.request()
    finally:
        driver.close()


def test_the_asgi_loop_can_be_uvloop(drivers_to_close):
    uvloop = pytest.importorskip("uvloop")
    driver = make_driver(
        "asgi", build_handler("asgi", "none"), RequestSpec(path="/sync/"), "t", "uvloop"
    )
    drivers_to_close.append(driver)
    assert isinstance(driver.loop, uvloop.Loop)
    assert driver.request().status == 200


def test_a_missing_uvloop_is_one_clear_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "uvloop", None)
    with pytest.raises(HandlerbenchError) as info:
        new_event_loop("uvloop")
    assert str(info.value) == (
        "--loop uvloop: uvloop is not installed (pip install 'handlerbench[uvloop]')"
    )


def test_an_unknown_loop_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown loop 'trio'"):
        new_event_loop("trio")
