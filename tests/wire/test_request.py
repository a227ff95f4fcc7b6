"""Templates carry what gunicorn and uvicorn pass; the exchange behaves like a server."""

import asyncio
import json
import re
from pathlib import Path

import pytest

from handlerbench.drive import AsgiDriver, WsgiDriver
from handlerbench.errors import UsageError
from handlerbench.wire.asgi import AsgiExchange, asgi_request_message, asgi_scope
from handlerbench.wire.request import FORM, RequestSpec, build_request, describe
from handlerbench.wire.wsgi import StartResponse, wsgi_environ

RECORDED = json.loads(
    (Path(__file__).parent.parent / "data" / "server_interfaces.json").read_text()
)
# Server-specific extensions an app cannot rely on.
GUNICORN_ONLY = {"gunicorn.socket", "wsgi.early_hints"}
# Stream-like values: any object with these methods will do.
WSGI_STREAMS = {
    "wsgi.input": ("read", "readline", "readlines", "__iter__"),
    "wsgi.errors": ("write", "writelines", "flush"),
}


def received_environ(spec):
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        start_response("200 OK", [])
        return [b""]

    WsgiDriver(app, spec, "capture").request()
    return seen


def received_scope(spec):
    seen = {}

    async def app(scope, receive, send):
        seen.update(scope)
        await receive()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    driver = AsgiDriver(app, spec, "capture")
    try:
        driver.request()
    finally:
        driver.close()
    return seen


def test_environ_has_gunicorns_keys_and_types():
    environ = received_environ(RequestSpec(path="/some/path", query_string="a=1&b=2"))
    gunicorn = {k: v for k, v in RECORDED["gunicorn"].items() if k not in GUNICORN_ONLY}
    ours = {k for k in environ if not k.startswith("HTTP_")}
    assert ours == {k for k in gunicorn if not k.startswith("HTTP_")}
    for key, recorded in gunicorn.items():
        if key.startswith("HTTP_"):
            continue
        value = environ[key]
        if key in WSGI_STREAMS:
            assert all(hasattr(value, method) for method in WSGI_STREAMS[key]), key
        elif key == "wsgi.file_wrapper":
            assert callable(value)
        else:
            assert type(value).__name__ == recorded["type"], key
    assert environ["wsgi.version"] == (1, 0)
    assert all(isinstance(environ[k], str) for k in environ if k.startswith("HTTP_"))


def test_environ_values_follow_pep_3333():
    spec = RequestSpec(
        method="POST",
        path="/caf\u00e9/",
        query_string="q=1",
        headers=(("Host", "example.com"), ("Content-Type", "text/plain"), ("X-A", "1")),
        body=b"abc",
    )
    environ = wsgi_environ(spec)
    assert environ["PATH_INFO"] == "/caf\u00e9/".encode().decode("latin-1")
    assert environ["RAW_URI"] == "/caf%C3%A9/?q=1"
    assert environ["QUERY_STRING"] == "q=1"
    assert environ["HTTP_HOST"] == "example.com"
    assert environ["HTTP_X_A"] == "1"
    assert environ["CONTENT_TYPE"] == "text/plain"
    assert environ["CONTENT_LENGTH"] == "3"
    assert "HTTP_CONTENT_TYPE" not in environ
    assert environ["REQUEST_METHOD"] == "POST"


def test_repeated_headers_are_joined_like_gunicorn():
    spec = RequestSpec(headers=(("Accept", "a"), ("Accept", "b")))
    assert wsgi_environ(spec)["HTTP_ACCEPT"] == "a,b"


def test_scope_has_uvicorns_keys_and_types():
    scope = received_scope(RequestSpec(path="/some/path", query_string="a=1&b=2"))
    uvicorn = RECORDED["uvicorn"]
    assert set(scope) == set(uvicorn)
    for key, recorded in uvicorn.items():
        value = scope[key]
        assert type(value).__name__ == recorded["type"], key
        if key == "headers":
            assert [type(part).__name__ for part in value[0]] == recorded["item"]
        elif "items" in recorded:
            assert {k: type(v).__name__ for k, v in value.items()} == recorded["items"], key
        elif "item" in recorded:
            assert type(value[0]).__name__ == recorded["item"], key
    assert scope["path"] == "/some/path"
    assert scope["raw_path"] == b"/some/path"
    assert scope["query_string"] == b"a=1&b=2"


def test_scope_headers_are_lowercase_bytes_with_content_length_for_a_body():
    scope = asgi_scope(RequestSpec(headers=(("Host", "h"),), body=b"12345"))
    assert scope["headers"] == [(b"host", b"h"), (b"content-length", b"5")]


def test_each_request_gets_a_fresh_environ_and_state():
    environs, states = [], []

    def wsgi_app(environ, start_response):
        environs.append(environ)
        environ["MUTATED"] = True
        start_response("200 OK", [])
        return [b""]

    driver = WsgiDriver(wsgi_app, RequestSpec(), "fresh")
    driver.request()
    driver.request()
    assert environs[0] is not environs[1]
    assert "MUTATED" not in driver.environ
    assert environs[0]["wsgi.input"] is not environs[1]["wsgi.input"]

    async def asgi_app(scope, receive, send):
        states.append(scope["state"])
        scope["state"]["mutated"] = True
        await receive()
        await send({"type": "http.response.start", "status": 200})
        await send({"type": "http.response.body"})

    driver = AsgiDriver(asgi_app, RequestSpec(), "fresh")
    try:
        driver.request()
        driver.request()
    finally:
        driver.close()
    assert states == [{"mutated": True}, {"mutated": True}]
    assert states[0] is not states[1]


def test_receive_hands_over_the_body_then_waits_for_the_response():
    async def scenario():
        exchange = AsgiExchange(asgi_request_message(RequestSpec(body=b"data")))
        first = await exchange.receive()
        assert first == {"type": "http.request", "body": b"data", "more_body": False}
        second = asyncio.ensure_future(exchange.receive())
        await asyncio.sleep(0)
        assert not second.done()
        await exchange.send({"type": "http.response.start", "status": 201, "headers": []})
        await exchange.send({"type": "http.response.body", "body": b"a", "more_body": True})
        await asyncio.sleep(0)
        assert not second.done()
        await exchange.send({"type": "http.response.body", "body": b"b"})
        assert await second == {"type": "http.disconnect"}
        assert (exchange.status, b"".join(exchange.body), exchange.complete) == (201, b"ab", True)
        assert await exchange.receive() == {"type": "http.disconnect"}

    asyncio.run(scenario())


def test_cancelling_a_waiting_receive_raises_into_the_app():
    async def scenario():
        exchange = AsgiExchange(asgi_request_message(RequestSpec()))
        await exchange.receive()
        waiting = asyncio.ensure_future(exchange.receive())
        await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting

    asyncio.run(scenario())


def test_start_response_keeps_status_and_returns_write():
    start_response = StartResponse()
    write = start_response("200 OK", [("A", "b")])
    write(b"early")
    assert (start_response.status, start_response.headers) == ("200 OK", [("A", "b")])
    assert start_response.written == [b"early"]
    try:
        raise KeyError("late")
    except KeyError:
        import sys

        with pytest.raises(KeyError):
            start_response("500 Error", [], sys.exc_info())


def test_build_request_defaults_to_a_plain_get_of_the_root():
    assert build_request() == RequestSpec()


def test_build_request_as_curl_would_send_it():
    spec = build_request(
        path="/api/caf%C3%A9/?page=2",
        headers=["Accept: application/json", "X-Trace:  abc "],
        json_body='{"a": 1}',
        cookies=["sessionid=s", "csrftoken=t"],
        host="api.example:8443",
    )
    assert (spec.method, spec.path, spec.query_string) == ("POST", "/api/café/", "page=2")
    assert spec.body == b'{"a": 1}'
    headers = dict(spec.headers)
    assert headers["host"] == "api.example:8443"
    assert headers["accept"] == "application/json" and headers["x-trace"] == "abc"
    assert headers["content-type"] == "application/json"
    assert headers["cookie"] == "sessionid=s; csrftoken=t"
    assert describe(spec) == "POST /api/café/?page=2"
    environ = wsgi_environ(spec)
    assert environ["HTTP_ACCEPT"] == "application/json"
    assert environ["CONTENT_TYPE"] == "application/json" and environ["CONTENT_LENGTH"] == "8"


def test_a_body_is_a_form_post_unless_told_otherwise():
    form = build_request(body=b"a=1")
    assert form.method == "POST" and dict(form.headers)["content-type"] == FORM
    put = build_request(method="put", body=b"<x/>", headers=["Content-Type: text/xml"])
    assert put.method == "PUT"
    assert [v for n, v in put.headers if n == "content-type"] == ["text/xml"]


@pytest.mark.parametrize(
    ("options", "text"),
    [
        ({"path": "api/items/"}, "must be a path starting with /"),
        ({"path": "http://x/api/"}, "must be a path starting with /"),
        ({"path": "/a/?x=1", "query": "y=2"}, "in --path or in --query, not both"),
        ({"body": b"x", "json_body": "{}"}, "either --body or --json"),
        ({"json_body": "{nope"}, "--json is not valid JSON"),
        ({"method": "GET /"}, "is not an HTTP method"),
        ({"headers": ["NoColon"]}, "is not of the form 'Name: value'"),
        ({"headers": ["Bad Name: x"]}, "is not of the form 'Name: value'"),
        ({"cookies": ["novalue"]}, "is not of the form name=value"),
        ({"host": "a/b"}, "is not a host name"),
    ],
)
def test_build_request_refuses_malformed_options(options, text):
    with pytest.raises(UsageError, match=re.escape(text)):
        build_request(**options)


def test_cookies_from_both_options_are_one_header():
    spec = build_request(headers=["Cookie: a=b"], cookies=["c=d"])
    assert [v for n, v in spec.headers if n == "cookie"] == ["a=b; c=d"]
    assert wsgi_environ(spec)["HTTP_COOKIE"] == "a=b; c=d"


def test_a_query_is_percent_encoded_as_a_client_sends_it():
    spec = build_request(path="/search/", query="q=caf\u00e9 au lait&x=1")
    assert spec.query_string == "q=caf%C3%A9%20au%20lait&x=1"
    assert asgi_scope(spec)["query_string"] == b"q=caf%C3%A9%20au%20lait&x=1"


@pytest.mark.parametrize(
    ("options", "text"),
    [
        ({"headers": ["X-Snow: \u2603"]}, "a header value must be Latin-1"),
        ({"cookies": ["a=\u2603"]}, "a header value must be Latin-1"),
        ({"headers": ["X-A: a\r\nX-B: b"]}, "has a line break or NUL"),
        ({"host": "\u2603.example"}, "is not a host name"),
    ],
)
def test_header_values_http_cannot_carry_are_usage_errors(options, text):
    with pytest.raises(UsageError, match=text):
        build_request(**options)
