"""Apps and views that answer wrongly on purpose, for the checks to refuse."""

import asyncio
import threading
import time
from contextlib import contextmanager

from django.http import Http404, HttpResponse, HttpResponseRedirect, HttpResponseServerError
from django.urls import path

from handlerbench.app.null import asgi as asgi_null
from handlerbench.app.null import wsgi as wsgi_null


def wsgi_not_found(environ, start_response):
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"nope"]


async def asgi_not_found(scope, receive, send):
    await receive()
    await send({"type": "http.response.start", "status": 404, "headers": []})
    await send({"type": "http.response.body", "body": b"nope"})


async def asgi_no_response(scope, receive, send):
    await receive()


def wsgi_fails_in_workers(environ, start_response):
    """Answers the master's checked request, and a 500 in pyperf's workers."""
    import sys

    status = "500 Internal Server Error" if "--worker" in sys.argv else "200 OK"
    start_response(status, [("Content-Type", "text/plain")])
    return [b"ok"]


def wsgi_raises(environ, start_response):
    raise ValueError("broken app")


def server_error(request):
    return HttpResponseServerError(b"oops")


def raises(request):
    raise ZeroDivisionError("the view divided by zero")


def wrong_body(request):
    return HttpResponse(b"Goodbye")


# Apps and views that answer one request at a time but never return once two
# are in flight: the checked (sequential) request passes, a concurrent batch hangs.
IN_FLIGHT = {"now": 0}
RELEASE = threading.Event()


@contextmanager
def _hang_when_concurrent():
    IN_FLIGHT["now"] += 1
    try:
        time.sleep(0.02)  # long enough for a second request to arrive
        if IN_FLIGHT["now"] > 1:
            RELEASE.wait(600)
        yield
    finally:
        IN_FLIGHT["now"] -= 1


async def asgi_hangs_in_flight(scope, receive, send):
    IN_FLIGHT["now"] += 1
    try:
        await asyncio.sleep(0.02)
        if IN_FLIGHT["now"] > 1:
            await asyncio.Event().wait()
        await asgi_null(scope, receive, send)
    finally:
        IN_FLIGHT["now"] -= 1


def _blocks_when_concurrent():
    with _hang_when_concurrent():
        pass


async def asgi_thread_hangs_in_flight(scope, receive, send):
    """A stuck executor thread, as a sync view stuck under ASGI leaves: exit cannot join it."""
    from asgiref.sync import sync_to_async

    await sync_to_async(_blocks_when_concurrent, thread_sensitive=False)()
    await asgi_null(scope, receive, send)


def wsgi_hangs_in_flight(environ, start_response):
    with _hang_when_concurrent():
        return wsgi_null(environ, start_response)


def hangs_in_flight(request):
    with _hang_when_concurrent():
        return HttpResponse(b"Hello, World!")


def server_error_in_flight(request):
    IN_FLIGHT["now"] += 1
    try:
        time.sleep(0.01)
        return HttpResponseServerError(b"oops") if IN_FLIGHT["now"] > 1 else HttpResponse(b"ok")
    finally:
        IN_FLIGHT["now"] -= 1


# Used as ROOT_URLCONF by tests that need a failing Django view.
def redirects(request):
    return HttpResponseRedirect("/sync/")


def not_here(request):
    raise Http404("no such item")


urlpatterns = [
    path("redirects/", redirects),
    path("not-here/", not_here),
    path("server-error/", server_error),
    path("raises/", raises),
    path("sync/", wrong_body),
    path("hangs-in-flight/", hangs_in_flight),
    path("server-error-in-flight/", server_error_in_flight),
]

NOT_AN_APP = 42


# Apps that never return from a sequential request: always, or only in
# pyperf's workers (the master's checked request passes).
def wsgi_hangs(environ, start_response):
    RELEASE.wait(600)
    return wsgi_null(environ, start_response)


def _in_a_worker() -> bool:
    import sys

    return "--worker" in sys.argv


def wsgi_hangs_in_workers(environ, start_response):
    if _in_a_worker():
        RELEASE.wait(600)
    return wsgi_null(environ, start_response)


def _stuck_in_workers():
    if _in_a_worker():
        RELEASE.wait(600)


async def asgi_thread_hangs_in_workers(scope, receive, send):
    """A sync call stuck in its executor thread, as a stuck sync view under ASGI."""
    from asgiref.sync import sync_to_async

    await sync_to_async(_stuck_in_workers)()
    await asgi_null(scope, receive, send)


def wsgi_bug(environ, start_response):
    """Not an app's refusal but a crash in what handlerbench calls: an internal error."""
    raise handlerbench_internal_error()


def handlerbench_internal_error():
    return TypeError("a bug")
