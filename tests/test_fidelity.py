"""Real gunicorn and uvicorn on loopback: what they pass an app, and how Django hops behind them.

Handlerbench's numbers are worth something only if its drivers hand Django
what a server does. ``tests/wire/test_request.py`` checks against a recording; here
the live servers get the same requests as the drivers (same environ/scope
keys, types and request values), and the built-in app behind uvicorn must
hop exactly as the counting pass says. A server release that drifts fails here.
"""

import json
import sys
import threading
import time
import urllib.request
from dataclasses import replace

import pytest

from handlerbench.app import build_handler
from handlerbench.app.endpoints import endpoint
from handlerbench.drive import AsgiDriver, WsgiDriver
from handlerbench.handlers.scenario import Scenario
from handlerbench.handlers.target import scenario_target
from handlerbench.passes.counting import count_transitions
from handlerbench.passes.counting.patches import instrumented
from handlerbench.passes.counting.recorder import Recorder
from handlerbench.wire.request import RequestSpec
from tests import servers
from tests.record_servers import CAPTURE_ENV, _describe
from tests.wire.test_request import GUNICORN_ONLY, WSGI_STREAMS

# Values a real server may legitimately give differently, and why.
WSGI_VALUES_ASIDE = {
    "REMOTE_PORT": "the client's ephemeral port",
    "SERVER_SOFTWARE": "each server names itself",
    # gunicorn says workers > 1; the template is a multi-worker deployment,
    # and the server under test runs one worker.
    "wsgi.multiprocess": "gunicorn's --workers",
}
ASGI_VALUES_ASIDE = {"client": "the client's ephemeral port"}
THREADS_TIMEOUT = 15.0


def request(case: str, port: int) -> RequestSpec:
    """The request ``case`` to 127.0.0.1:``port``, as a server there receives it."""
    host = ("host", f"127.0.0.1:{port}")
    spec = {
        # A percent-encoded UTF-8 path and query: PEP 3333's latin-1 round trip.
        "get": RequestSpec(
            path="/caf\u00e9/items",
            query_string="a=1&b=%C3%A9",
            headers=(host, ("user-agent", "handlerbench-fidelity"), ("accept", "*/*")),
        ),
        "post": RequestSpec(
            method="POST",
            path="/post/",
            headers=(host, ("content-type", "application/x-www-form-urlencoded")),
            body=b"a=1&b=caf%C3%A9",
        ),
        "repeated-header": RequestSpec(
            path="/",
            headers=(host, ("accept", "text/html"), ("x-trace", "t"), ("accept", "*/*")),
        ),
    }[case]
    return replace(spec, server=("127.0.0.1", port))


CASES = ["get", "post", "repeated-header"]


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def no_thread_left():
    """Fail a test that leaves a thread running (a server's, or one a request started)."""
    baseline = threading.active_count()
    yield
    assert wait_for(lambda: threading.active_count() <= baseline, THREADS_TIMEOUT), [
        t.name for t in threading.enumerate()
    ]


# ---------------------------------------------------------------- environ and scope


@pytest.fixture
def gunicorn(tmp_path):
    """A gunicorn serving ``servers.wsgi_capture``: its port and the capture file."""
    if sys.platform == "win32":
        pytest.skip("gunicorn runs on POSIX only")
    pytest.importorskip("gunicorn")
    capture = tmp_path / "capture.json"
    env = {CAPTURE_ENV: str(capture)}
    log = tmp_path / "log"
    try:
        with servers.gunicorn_serving("tests.servers:wsgi_capture", log, env) as port:
            yield port, capture
    finally:
        print(log.read_text(errors="replace"))  # pytest shows it if the test failed


def environ_from_driver(spec: RequestSpec) -> tuple[dict, dict]:
    """What ``servers.wsgi_capture`` would write, and the environ, from ``WsgiDriver``."""
    seen = {}

    def app(environ, start_response):
        seen["environ"] = dict(environ)
        seen["record"] = servers.environ_record(environ)
        start_response("200 OK", [])
        return [b""]

    WsgiDriver(app, spec, "capture").request()
    return seen["record"], seen["environ"]


@pytest.mark.parametrize("case", CASES)
def test_environ_is_gunicorns(gunicorn, case):
    """Same keys, types and values as gunicorn's environ, and the same body.

    Aside: gunicorn's own extensions, the stream classes (any object with the
    WSGI methods will do) and the values in ``WSGI_VALUES_ASIDE``.
    """
    port, capture = gunicorn
    spec = request(case, port)
    assert servers.send(port, spec) == (200, b"ok")
    real = json.loads(capture.read_text())
    ours, environ = environ_from_driver(spec)

    theirs = {k: v for k, v in real["environ"].items() if k not in GUNICORN_ONLY}
    assert sorted(ours["environ"]) == sorted(theirs)
    for key, entry in theirs.items():
        mine = ours["environ"][key]
        if key in WSGI_STREAMS:
            assert all(hasattr(environ[key], m) for m in WSGI_STREAMS[key]), key
            continue
        assert {k: v for k, v in mine.items() if k != "value"} == {
            k: v for k, v in entry.items() if k != "value"
        }, key
        if key not in WSGI_VALUES_ASIDE:
            assert mine.get("value") == entry.get("value"), key
    assert ours["body"] == real["body"] == spec.body.decode("latin-1")


def capturing_asgi_app(seen: list):
    async def app(scope, receive, send):
        message = await receive()
        seen.append((dict(scope), message))
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    return app


def scope_from_driver(spec: RequestSpec) -> tuple[dict, dict]:
    seen = []
    driver = AsgiDriver(capturing_asgi_app(seen), spec, "capture")
    try:
        driver.request()
    finally:
        driver.close()
    return seen[0]


def described_scope(scope: dict) -> dict:
    """``_describe`` of each key, with the types of a header's name and value."""
    described = {key: _describe(value) for key, value in scope.items()}
    described["headers"]["item"] = [type(part).__name__ for part in scope["headers"][0]]
    return described


@pytest.mark.parametrize("case", CASES)
def test_scope_is_uvicorns(case, no_thread_left):
    """Same keys, types and values as uvicorn's scope (the client's port aside), same body."""
    pytest.importorskip("uvicorn")
    seen = []
    with servers.uvicorn_serving(capturing_asgi_app(seen)) as port:
        spec = request(case, port)
        assert servers.send(port, spec) == (200, b"ok")
    [(real, real_message)] = seen
    ours, our_message = scope_from_driver(spec)

    assert described_scope(ours) == described_scope(real)
    for key in real:
        if key not in ASGI_VALUES_ASIDE:
            assert ours[key] == real[key], key
    assert ours["client"][0] == real["client"][0]
    # The whole body in one message, as uvicorn gives a body this small.
    whole = {"type": "http.request", "body": spec.body, "more_body": False}
    assert our_message == real_message == whole


# ---------------------------------------------------------------- hops


class UvicornClient:
    """What ``Recorder.record`` drives: one GET through uvicorn, back once Django is done.

    The client has the whole response before ``ASGIHandler.__call__`` returns
    (``response.close`` runs after the last body message), so ``request()``
    also waits for ``served``, set when the handler returned.
    """

    def __init__(self, port: int, spec: RequestSpec, served: threading.Event) -> None:
        self.url = f"http://127.0.0.1:{port}{spec.path}"
        # The spec's headers but Host; urllib adds Accept-Encoding and Connection.
        self.headers = {name: value for name, value in spec.headers if name != "host"}
        self.served = served
        self.answers: list[tuple[int, bytes]] = []

    def request(self) -> None:
        self.served.clear()
        get = urllib.request.Request(self.url, headers=self.headers)
        with urllib.request.urlopen(get, timeout=servers.REQUEST_TIMEOUT) as response:
            self.answers.append((response.status, response.read()))
        assert self.served.wait(servers.REQUEST_TIMEOUT), "the handler did not return"


def signalling(handler, served: threading.Event):
    """``handler``, setting ``served`` when it returns: one await, no hop of its own."""

    async def app(scope, receive, send):
        try:
            await handler(scope, receive, send)
        finally:
            served.set()

    return app


# sync_to_async and async_to_sync per request, on every supported Django (compat.py).
HOPS = {"asgi/default/sync": (16, 0), "asgi/default-fixed/sync": (5, 1), "asgi/none/async": (2, 0)}


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
@pytest.mark.parametrize("name", list(HOPS))
def test_uvicorn_makes_the_hops_the_counting_pass_reports(name, loop, no_thread_left):
    """The built-in app behind real uvicorn hops exactly as through ``AsgiDriver``.

    Every hop in order with its direction, name, thread sensitivity and the
    executor that ran it, the threads and executors a request starts, and
    what ``load_middleware`` adapted. Hop names depend on the Django version
    (``compat.request_started_hop``), so both sides are counted here; uvicorn
    runs on the loop the in-process count used (uvloop is its default).
    """
    pytest.importorskip("uvicorn")
    if loop == "uvloop":
        pytest.importorskip("uvloop")
    scenario = Scenario.parse(name)
    expected = count_transitions(scenario_target(scenario, loop=loop))
    assert expected.consistent
    assert (expected.sync_to_async, expected.async_to_sync) == HOPS[name]
    view = endpoint(scenario.view)
    served = threading.Event()
    recorder = Recorder()
    with instrumented(recorder):
        handler = build_handler(scenario.handler, scenario.stack)
        app = signalling(handler, served)
        with servers.uvicorn_serving(app, loop=loop) as port:
            client = UvicornClient(port, view.request, served)
            # First-request set-up (URL resolvers, ...) is not a per-request cost.
            client.request()
            records = [recorder.record(client) for _ in range(2)]

    assert client.answers == [(200, view.body)] * 3
    assert [r.signature() for r in records] == [expected.record.signature()] * 2
    assert recorder.adaptations == expected.adaptations
