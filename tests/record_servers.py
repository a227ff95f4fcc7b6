"""Record the scope and environ that real servers pass to an app.

Run by hand when uvicorn or gunicorn change what they send:

    python tests/record_servers.py > tests/data/server_interfaces.json

It serves a capturing app on 127.0.0.1 with each server in a subprocess,
sends one GET with a query string, and prints, for each server, every key
it passed with the Python type of the value. ``tests/wire/test_request.py`` compares
handlerbench's templates against this file.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

CAPTURE_ENV = "HANDLERBENCH_CAPTURE_FILE"


def _describe(value):
    """Type names, one level into containers (the level ASGI specifies)."""
    kind = type(value).__name__
    if isinstance(value, dict):
        return {"type": kind, "items": {k: type(v).__name__ for k, v in value.items()}}
    if isinstance(value, (list, tuple)) and value:
        return {"type": kind, "item": type(value[0]).__name__}
    return {"type": kind}


def _write(record):
    with open(os.environ[CAPTURE_ENV], "w") as f:
        json.dump(record, f, indent=1, sort_keys=True)


def wsgi_capture(environ, start_response):
    _write({key: _describe(value) for key, value in environ.items()})
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


async def asgi_capture(scope, receive, send):
    if scope["type"] != "http":
        return
    record = {key: _describe(value) for key, value in scope.items()}
    if scope["headers"]:
        record["headers"]["item"] = [type(part).__name__ for part in scope["headers"][0]]
    _write(record)
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _record(argv_for_port):
    port = _free_port()
    with tempfile.NamedTemporaryFile(suffix=".json") as capture:
        env = dict(os.environ, **{CAPTURE_ENV: capture.name})
        env["PYTHONPATH"] = os.path.dirname(os.path.abspath(__file__))
        server = subprocess.Popen(
            argv_for_port(port), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            url = f"http://127.0.0.1:{port}/some/path?a=1&b=2"
            deadline = time.monotonic() + 20
            while True:
                try:
                    urllib.request.urlopen(url, timeout=5).read()
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
        finally:
            server.terminate()
            server.wait(timeout=10)
        with open(capture.name) as f:
            return json.load(f)


def main():
    py = sys.executable
    result = {
        "uvicorn": _record(
            lambda port: [
                py,
                "-m",
                "uvicorn",
                "--port",
                str(port),
                "--lifespan",
                "off",
                "record_servers:asgi_capture",
            ]
        ),
        "gunicorn": _record(
            lambda port: [
                py,
                "-m",
                "gunicorn",
                "-b",
                f"127.0.0.1:{port}",
                "record_servers:wsgi_capture",
            ]
        ),
    }
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
