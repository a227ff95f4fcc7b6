"""Apps and views that answer wrongly on purpose, for the checks to refuse."""

from django.http import HttpResponse, HttpResponseServerError
from django.urls import path


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


# Used as ROOT_URLCONF by tests that need a failing Django view.
urlpatterns = [
    path("server-error/", server_error),
    path("raises/", raises),
    path("sync/", wrong_body),
]

NOT_AN_APP = 42
