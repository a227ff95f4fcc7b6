"""Two times per request: to the response complete, and to the handler's return."""

import asyncio

import pytest

from handlerbench.drive import AsgiDriver, WsgiDriver
from handlerbench.drive.phases import phases
from handlerbench.wire.request import RequestSpec

TAIL = 0.02  # seconds an app spends after its response is complete


async def asgi_lingers(scope, receive, send):
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})
    await asyncio.sleep(TAIL)


class Lingering:
    """A WSGI response whose close() takes a while (as request_finished's receivers may)."""

    def __iter__(self):
        yield b"ok"

    def close(self):
        import time

        time.sleep(TAIL)


def wsgi_lingers(environ, start_response):
    start_response("200 OK", [])
    return Lingering()


@pytest.mark.parametrize(
    "make",
    [
        lambda: AsgiDriver(asgi_lingers, RequestSpec(), "a"),
        lambda: WsgiDriver(wsgi_lingers, RequestSpec(), "w"),
    ],
)
def test_the_tail_is_what_runs_after_the_response(make):
    driver = make()
    try:
        measured = phases(driver, 5)
    finally:
        driver.close()
    assert measured.requests == 5
    assert measured.response < TAIL <= measured.returned
    assert measured.tail >= TAIL * 0.9
    assert set(measured.metadata()) == {"response_us", "return_us"}


def test_phases_refuse_a_driver_they_cannot_stamp():
    class Other:
        name = "other"

    with pytest.raises(TypeError):
        phases(Other(), 1)
