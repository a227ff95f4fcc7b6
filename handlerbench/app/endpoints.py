"""What each built-in view is asked, and the answer that proves it did its work.

An ``Endpoint`` is a view's request (a ``RequestSpec``) with the status and
body the check demands before anything is timed. Expected bodies are derived
here, not by calling the views: a closed formula for ``cpu``, string
formatting for ``template``, the seed rows for the db views. So a view that
skipped its work fails the check. No Django import: naming and validating a
scenario stays cheap.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field

from handlerbench.errors import UsageError
from handlerbench.wire.request import DEFAULT_HEADERS, RequestSpec

HELLO = b"Hello, World!"

# An API-style payload, what a DRF APIView returns for one object.
API_ITEM = {
    "id": 42,
    "name": "handlerbench",
    "tags": ["django", "asgi", "wsgi"],
    "price": "9.99",
    "in_stock": True,
    "owner": {"id": 7, "username": "carlton"},
}

TEMPLATE = "handlerbench/items.html"
TEMPLATE_TITLE = "Items & prices"
TEMPLATE_ITEMS = tuple({"id": i, "name": f"item {i:02d}", "price": i * 1.25} for i in range(1, 21))

STREAM_CHUNKS = tuple(b"%02d " % i + b"x" * 61 + b"\n" for i in range(16))

# The db views' table: SEED_POSTS rows, of which each request reads a page.
SEED_POSTS = 100
PAGE = 25
NEW_POST_TITLE = "new post"


def seed_titles() -> list[str]:
    return [f"post {i:03d}" for i in range(1, SEED_POSTS + 1)]


# The post view's form carries a CSRF token, as a browser's form post does:
# the same 32-character secret in the cookie and in the form field.
CSRF_SECRET = "handlerbenchCsrfSecret0123456789"
CSRF_FIELD = f"csrfmiddlewaretoken={CSRF_SECRET}&payload="
# Django refuses larger bodies (DATA_UPLOAD_MAX_MEMORY_SIZE's default).
MAX_BODY_SIZE = 2_621_440
MAX_DELAY_MS = 60_000.0


@dataclass(frozen=True)
class ViewOptions:
    """The knobs of the parameterised views, checked when made.

    ``delay_ms``: how long ``sync-io``/``async-io`` sleep (5 ms, as in #37177).
    ``work``: iterations of the ``cpu`` view's loop.
    ``body_size``: bytes of the form the ``post`` view reads.
    """

    delay_ms: float = 5.0
    work: int = 10_000
    body_size: int = 1024

    def __post_init__(self) -> None:
        if not (math.isfinite(self.delay_ms) and 0 <= self.delay_ms <= MAX_DELAY_MS):
            raise UsageError(f"--delay {self.delay_ms}: must be 0 to {MAX_DELAY_MS:g} ms")
        if not 1 <= self.work <= 10**9:
            raise UsageError(f"--work {self.work}: must be 1 to 10**9 iterations")
        if not len(CSRF_FIELD) <= self.body_size <= MAX_BODY_SIZE:
            raise UsageError(
                f"--body-size {self.body_size}: must be {len(CSRF_FIELD)} to {MAX_BODY_SIZE} "
                f"bytes (the form's CSRF field, up to Django's DATA_UPLOAD_MAX_MEMORY_SIZE)"
            )


@dataclass(frozen=True)
class Endpoint:
    """A view's request, the answer that proves it ran, and what it needs."""

    request: RequestSpec
    body: bytes
    status: int = 200
    uses_db: bool = False
    # The options this view's answer depends on, for the benchmark's metadata.
    parameters: dict[str, str | int | float] = field(default_factory=dict)


def _get(path: str, body: bytes, **kwargs) -> Endpoint:
    return Endpoint(RequestSpec(path=path), body, **kwargs)


def _json(data: object) -> bytes:
    # What JsonResponse writes: json.dumps with its default separators.
    return json.dumps(data).encode()


def _hello(path: str) -> Callable[[ViewOptions], Endpoint]:
    return lambda options: _get(path, HELLO)


def _sleep(path: str) -> Callable[[ViewOptions], Endpoint]:
    def endpoint(options: ViewOptions) -> Endpoint:
        delay_us = round(options.delay_ms * 1000)
        return _get(
            f"{path}{delay_us}/",
            b"slept %d us" % delay_us,
            # What the view sleeps: the delay in whole microseconds.
            parameters={"delay_ms": delay_us / 1000},
        )

    return endpoint


def _cpu(options: ViewOptions) -> Endpoint:
    n = options.work
    # sum(i * i for i in range(n)), in closed form.
    return _get(f"/cpu/{n}/", _json({"ct": (n - 1) * n * (2 * n - 1) // 6}), parameters={"work": n})


def _api(options: ViewOptions) -> Endpoint:
    return _get("/json/", _json(API_ITEM))


def _template(options: ViewOptions) -> Endpoint:
    lines = [
        "<!doctype html>",
        f"<title>{TEMPLATE_TITLE.replace('&', '&amp;')}</title>",
        "<ul>",
        *(
            f'  <li id="item-{item["id"]}">{item["name"]}: {item["price"]:.2f}</li>'
            for item in TEMPLATE_ITEMS
        ),
        "</ul>",
    ]
    return _get("/template/", ("\n".join(lines) + "\n").encode())


def _stream(path: str) -> Callable[[ViewOptions], Endpoint]:
    return lambda options: _get(path, b"".join(STREAM_CHUNKS))


def _post(options: ViewOptions) -> Endpoint:
    payload = options.body_size - len(CSRF_FIELD)
    body = (CSRF_FIELD + "x" * payload).encode()
    headers = (
        *DEFAULT_HEADERS,
        ("content-type", "application/x-www-form-urlencoded"),
        ("cookie", f"csrftoken={CSRF_SECRET}"),
    )
    request = RequestSpec(method="POST", path="/post/", headers=headers, body=body)
    expected = _json({"fields": 2, "payload": payload})
    return Endpoint(request, expected, parameters={"body_size": options.body_size})


def _db(path: str) -> Callable[[ViewOptions], Endpoint]:
    posts = [{"id": i, "title": t} for i, t in enumerate(seed_titles()[:PAGE], start=1)]
    return lambda options: _get(path, _json({"ct": SEED_POSTS, "posts": posts}), uses_db=True)


# View name -> (what it does, its endpoint for the given options).
VIEWS: dict[str, tuple[str, Callable[[ViewOptions], Endpoint]]] = {
    "sync": ("hello world, a sync view", _hello("/sync/")),
    "async": ("hello world, an async view", _hello("/async/")),
    "sync-io": ("time.sleep(--delay), a sync view", _sleep("/sync-io/")),
    "async-io": ("await asyncio.sleep(--delay), an async view", _sleep("/async-io/")),
    "cpu": ("--work iterations of pure-Python arithmetic, a sync view", _cpu),
    "json": ("an API-style JsonResponse of a small dict, a sync view", _api),
    "template": ("renders a template looping over 20 items, a sync view", _template),
    "stream-sync": (
        "StreamingHttpResponse over a sync iterator, a sync view",
        _stream("/stream-sync/"),
    ),
    "stream-async": (
        "StreamingHttpResponse over an async iterator, an async view",
        _stream("/stream-async/"),
    ),
    "post": ("reads a --body-size form POST with its CSRF token, a sync view", _post),
    "db-sync": ("ORM: a page of 25 rows, a count, one row created and deleted", _db("/db-sync/")),
    "db-async": ("the same with the async ORM API, an async view", _db("/db-async/")),
}


def endpoint(view: str, options: ViewOptions | None = None) -> Endpoint:
    """The endpoint of built-in ``view`` under ``options``."""
    return VIEWS[view][1](options or ViewOptions())
