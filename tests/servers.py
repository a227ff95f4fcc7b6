"""Real servers on loopback for ``test_fidelity.py``, each bounded in time and always stopped.

``gunicorn_serving`` runs gunicorn in a subprocess session of its own and
ends that whole session on the way out; ``uvicorn_serving`` runs uvicorn in
a thread of this process (so counting patches see its requests) and joins
it. ``send`` puts a ``RequestSpec`` on the wire byte for byte, and
``wsgi_capture`` is the app gunicorn imports: it writes what it received to
the file named by ``$HANDLERBENCH_CAPTURE_FILE``.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

from handlerbench.passes.served.server import accepts, wait_gone
from tests.record_servers import CAPTURE_ENV, _describe, _free_port

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
REQUEST_TIMEOUT = 20.0
PLAIN = (str, bytes, int, float, bool, type(None))


def _plain(value):
    """``value`` if it is plain data (tuples as lists, bytes as latin-1), else None."""
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, PLAIN):
        return value
    if isinstance(value, (tuple, list)) and all(isinstance(v, PLAIN) for v in value):
        return [_plain(v) for v in value]
    return None


def environ_record(environ: dict) -> dict:
    """Each key's type (``_describe``) and plain value, and the body ``wsgi.input`` gave."""
    keys = {}
    for key, value in environ.items():
        entry = _describe(value)
        plain = _plain(value)
        if plain is not None:
            entry["value"] = plain
        keys[key] = entry
    body = environ["wsgi.input"].read()
    return {"environ": keys, "body": body.decode("latin-1")}


def wsgi_capture(environ, start_response):
    """A WSGI app that writes ``environ_record(environ)`` to the capture file."""
    record = environ_record(environ)
    with open(os.environ[CAPTURE_ENV], "w") as f:
        json.dump(record, f)
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def send(port: int, spec, timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes]:
    """Send ``spec`` to 127.0.0.1:``port`` with exactly its headers; the status and body.

    urllib would add headers of its own and cannot repeat one; http.client
    with ``skip_host``/``skip_accept_encoding`` sends the spec and nothing else.
    """
    target = quote(spec.path) + (f"?{spec.query_string}" if spec.query_string else "")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.putrequest(spec.method, target, skip_host=True, skip_accept_encoding=True)
        for name, value in spec.all_headers():
            connection.putheader(name, value)
        connection.endheaders(spec.body or None)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _stop_session(process: subprocess.Popen) -> None:
    """Quick-stop gunicorn (SIGINT), SIGKILL its session if anything is left, check it is gone."""
    pgid = process.pid  # start_new_session: the leader's pid is the group id
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT)
    if not wait_gone(pgid, STOP_TIMEOUT):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    process.wait(timeout=STOP_TIMEOUT)
    if not wait_gone(pgid, STOP_TIMEOUT):
        raise RuntimeError(f"gunicorn's processes (group {pgid}) outlived SIGKILL")


def _no_control_socket() -> list[str]:
    """gunicorn >= 25.1 opens a control socket under $HOME unless told not to."""
    from gunicorn.config import KNOWN_SETTINGS

    names = {setting.name for setting in KNOWN_SETTINGS}
    return ["--no-control-socket"] if "control_socket_disable" in names else []


@contextlib.contextmanager
def gunicorn_serving(app: str, log: Path, env: dict[str, str] | None = None) -> Iterator[int]:
    """gunicorn serving ``app`` (``module:callable``, importable from the repository root).

    Yields the port once it accepts connections. One sync worker; the whole
    process session (arbiter and worker) is gone when the block is left.
    """
    port = _free_port()
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--timeout",
        "20",
        "--graceful-timeout",
        "5",
        "--chdir",
        str(ROOT),
        *_no_control_socket(),
        app,
    ]
    environment = dict(os.environ, **(env or {}))
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), environment.get("PYTHONPATH")])
    )
    with open(log, "wb") as output:
        process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not accepts(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"gunicorn did not start on port {port}:\n{log.read_text(errors='replace')}"
                )
            time.sleep(0.1)
        yield port
    finally:
        _stop_session(process)


@contextlib.contextmanager
def uvicorn_serving(app, **config) -> Iterator[int]:
    """uvicorn serving ``app`` from a thread of this process; yields the port.

    The listening socket is bound here (port 0), so no other process can
    take the port first. Lifespan off, and ``log_config=None``: uvicorn's
    dictConfig would reconfigure this process's logging.
    """
    import uvicorn

    options = {"lifespan": "off", "log_config": None, **config}
    server = uvicorn.Server(uvicorn.Config(app, **options))
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [listener]}, name="uvicorn", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on port {port}")
            time.sleep(0.05)
        yield port
    finally:
        server.should_exit = True
        thread.join(STOP_TIMEOUT)
        listener.close()
        if thread.is_alive():
            server.force_exit = True
            thread.join(STOP_TIMEOUT)
        if thread.is_alive():
            raise RuntimeError("uvicorn's thread did not stop")
