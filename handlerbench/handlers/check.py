"""The checked request: run one before any timing, refuse anything but a correct answer.

A benchmark that times an error page is a lie. For a Django handler the check
also proves the request went the whole way: ``request_started`` and
``request_finished`` each fired exactly once. A refusal names its cause: the
exception a view raised (which Django turns into a 500), that no URL pattern
matches a 404's path, where a redirect points, or what Django logged (a
disallowed host, a CSRF failure). Django's request loggers are muted during
the check, so a 500 prints no traceback of its own.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus

from handlerbench.drive import Driver
from handlerbench.errors import HandlerbenchError
from handlerbench.wire.request import Response


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


# Where Django logs an error answer: django.request restates the status and
# path ("Not Found: /x/"); django.security says why it refused a request.
DJANGO_LOGGERS = ("django.request", "django.security")


class _Kept(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(logging.WARNING)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def django_log() -> Iterator[list[logging.LogRecord]]:
    """Keep what Django's request loggers say while inside, and let nothing else see it."""
    records: list[logging.LogRecord] = []
    kept = _Kept(records)
    saved = []
    for name in DJANGO_LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.handlers, logger.propagate, logger.level, logger.disabled))
        logger.handlers, logger.propagate, logger.disabled = [kept], False, False
        logger.setLevel(logging.WARNING)
    try:
        yield records
    finally:
        for logger, handlers, propagate, level, disabled in saved:
            logger.handlers, logger.propagate, logger.disabled = handlers, propagate, disabled
            logger.setLevel(level)


def _header(response: Response, name: str) -> str | None:
    for key, value in response.headers:
        key = key.decode("latin-1") if isinstance(key, bytes) else key
        if key.lower() == name:
            return value.decode("latin-1") if isinstance(value, bytes) else value
    return None


def _unmatched(path: str) -> bool:
    """Does no URL pattern of the project's URLconf match ``path``?"""
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return True
    except Exception:
        return False
    return False


def django_cause(driver: Driver, response: Response, seen: dict, records: list) -> str:
    """Why Django answered ``response`` instead of a success, as a parenthesised clause."""
    if seen["exceptions"]:
        exc = seen["exceptions"][0]
        return f" (the view raised {type(exc).__name__}: {exc})"
    if 300 <= response.status < 400:
        location = _header(response, "location")
        return f" (a redirect to {location})" if location else " (a redirect)"
    if response.status == 404:
        if _unmatched(driver.spec.path):
            return f" (no URL pattern matches {driver.spec.path})"
        return " (a URL pattern matches; the view answered 404)"
    # django.request's own "Not Found: /x/" restates the status; a record that
    # says more ("Method Not Allowed (DELETE): /x/") or a security one is a cause.
    restated = (
        f"{HTTPStatus(response.status).phrase}: {driver.spec.path}"
        if _known(response.status)
        else None
    )
    reasons = [r.getMessage() for r in records if r.getMessage() != restated]
    return f" ({reasons[0]})" if reasons else ""


def _known(status: int) -> bool:
    try:
        HTTPStatus(status)
    except ValueError:
        return False
    return True


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


def _refuse_status(
    driver: Driver, response: Response, wanted: str, cause: str = "", hint: bool = False
) -> None:
    # An error is never suggested for timing; a redirect may be what is meant.
    redirect = 300 <= response.status < 400
    advice = f"; --expect-status {response.status} times it anyway" if hint and redirect else ""
    what = "an error" if response.status >= 400 else "an answer not asked for"
    raise HandlerbenchError(
        f"{driver.name}: {driver.spec.method} {driver.spec.path} answered "
        f"{_status_text(response.status)}{cause}, expected {wanted}; "
        f"refusing to time {what}{advice}"
    )


def _wanted(status: int | None) -> str:
    return "a 2xx status" if status is None else str(status)


def _accepted(response: Response, status: int | None) -> bool:
    return response.status == status if status is not None else 200 <= response.status < 300


def check_app(driver: Driver, status: int | None = None) -> Response:
    """Check any WSGI/ASGI app: one request, a 2xx answer (or exactly ``status``)."""
    response = _request(driver)
    if not _accepted(response, status):
        _refuse_status(driver, response, _wanted(status), hint=status is None)
    driver.expected_status = response.status
    return response


def check_django(driver: Driver, status: int | None, body: bytes | None = None) -> Response:
    """Check a Django handler: status (``None``: any 2xx), body, each request signal once."""
    with django_signals() as seen, django_log() as records:
        response = _request(driver)
    if not _accepted(response, status):
        cause = django_cause(driver, response, seen, records)
        _refuse_status(driver, response, _wanted(status), cause, hint=status is None)
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
