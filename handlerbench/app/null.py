"""Apps that do nothing: time them with ``run --app`` to see the harness floor.

Each reads the request and answers 200 with a short body, as the least a
conforming app does, so what is left is the cost of the drivers.
"""

import asyncio
import time

BODY = b"null"
_HEADERS_WSGI = [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))]
_HEADERS_ASGI = [(b"content-type", b"text/plain"), (b"content-length", str(len(BODY)).encode())]


def wsgi(environ, start_response):
    start_response("200 OK", _HEADERS_WSGI)
    return [BODY]


async def asgi(scope, receive, send):
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS_ASGI})
    await send({"type": "http.response.body", "body": BODY})


# The #37177 delay: with these, `run --concurrency` shows what the harness
# alone can drive when each request waits (ideal: concurrency / delay).
SLEEP = 0.005


async def asgi_sleep(scope, receive, send):
    await receive()
    await asyncio.sleep(SLEEP)
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS_ASGI})
    await send({"type": "http.response.body", "body": BODY})


def wsgi_sleep(environ, start_response):
    time.sleep(SLEEP)
    start_response("200 OK", _HEADERS_WSGI)
    return [BODY]
