"""The checked request: run one before any timing, refuse anything but a correct answer.

A benchmark that times an error page is a lie. For a Django handler the check
also proves the request went the whole way: ``request_started`` and
``request_finished`` each fired exactly once. An exception a Django view
raised (which Django turns into a 500) is named in the message.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus

from handlerbench.drivers import Driver
from handlerbench.errors import HandlerbenchError
from handlerbench.requests import Response


def _status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


@contextmanager
def django_signals() -> Iterator[dict]:
    """Count ``request_started``/``request_finished`` and keep exceptions, while inside."""
    from django.core.signals import got_request_exception, request_finished, request_started

    seen: dict = {"request_started": 0, "request_finished": 0, "exceptions": []}

    def on_started(sender, **kwargs):
        seen["request_started"] += 1

    def on_finished(sender, **kwargs):
        seen["request_finished"] += 1

    def on_exception(sender, request=None, **kwargs):
        seen["exceptions"].append(sys.exc_info()[1])

    receivers = (
        (request_started, on_started),
        (request_finished, on_finished),
        (got_request_exception, on_exception),
    )
    for signal, receiver in receivers:
        signal.connect(receiver, weak=False, dispatch_uid="handlerbench-check")
    try:
        yield seen
    finally:
        for signal, _receiver in receivers:
            signal.disconnect(dispatch_uid="handlerbench-check")


def _request(driver: Driver) -> Response:
    try:
        return driver.request()
    except HandlerbenchError:
        raise
    except Exception as exc:
        raise HandlerbenchError(
            f"{driver.name}: {driver.spec.method} {driver.spec.path} raised "
            f"{type(exc).__name__}: {exc}"
        ) from exc


def _refuse_status(driver: Driver, response: Response, wanted: str, cause: str = "") -> None:
    raise HandlerbenchError(
        f"{driver.name}: {driver.spec.method} {driver.spec.path} answered "
        f"{_status_text(response.status)}{cause}, expected {wanted}; "
        f"refusing to time an error"
    )


def check_app(driver: Driver, status: int | None = None) -> Response:
    """Check any WSGI/ASGI app: one request, a 2xx answer (or exactly ``status``)."""
    response = _request(driver)
    if status is not None and response.status != status:
        _refuse_status(driver, response, str(status))
    if status is None and not 200 <= response.status < 300:
        _refuse_status(driver, response, "a 2xx status")
    driver.expected_status = response.status
    return response


def check_django(driver: Driver, status: int, body: bytes | None = None) -> Response:
    """Check a Django handler: status, body, and each request signal fired once."""
    with django_signals() as seen:
        response = _request(driver)
    exceptions = seen["exceptions"]
    if response.status != status:
        cause = ""
        if exceptions:
            exc = exceptions[0]
            cause = f" (the view raised {type(exc).__name__}: {exc})"
        _refuse_status(driver, response, str(status), cause)
    if body is not None and response.body != body:
        raise HandlerbenchError(
            f"{driver.name}: {driver.spec.method} {driver.spec.path} answered "
            f"{response.body[:60]!r}, expected {body[:60]!r}"
        )
    for signal in ("request_started", "request_finished"):
        if seen[signal] != 1:
            raise HandlerbenchError(
                f"{driver.name}: {signal} fired {seen[signal]} times in one request, expected once"
            )
    driver.expected_status = response.status
    return response
