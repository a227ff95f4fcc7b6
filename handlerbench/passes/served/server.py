"""A real server on loopback, in a process session of its own, bounded in time, always stopped.

uvicorn runs as ``uvicorn[standard]`` picks (uvloop and httptools when
installed, one worker); gunicorn with one sync worker. ``options`` are passed
through: ``KEY=VALUE`` becomes ``--KEY VALUE`` on the server's command line,
``KEY`` alone ``--KEY``. The server's environment marks it with
``HANDLERBENCH_SERVED=1``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.extras import require

SERVERS = {"uvicorn": "asgi", "gunicorn": "wsgi"}
DEFAULT_SERVER = {interface: server for server, interface in SERVERS.items()}
START_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0
SERVED_ENV = "HANDLERBENCH_SERVED"
# The directory handlerbench is imported from: the server must load the same copy.
SOURCE_ROOT = str(Path(__file__).resolve().parents[3])


def require_server(server: str) -> None:
    """The server's package importable, or the one line naming the extra."""
    require(server, f"--server {server}", "servers")


def server_options(given: Sequence[str]) -> list[str]:
    """``--server-option`` values as the server's own flags: KEY=VALUE -> --KEY VALUE."""
    flags: list[str] = []
    for option in given:
        key, sep, value = option.partition("=")
        key = key.strip().lstrip("-")
        if not key or " " in key:
            raise UsageError(f"--server-option {option!r} is not of the form KEY=VALUE or KEY")
        flags += [f"--{key}", value] if sep else [f"--{key}"]
    return flags


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def command(server: str, app: str, port: int, options: Sequence[str]) -> list[str]:
    """The server's command line serving ``app`` (MODULE:CALLABLE) on 127.0.0.1:``port``."""
    if server == "uvicorn":
        return [
            *(sys.executable, "-m", "uvicorn", app, "--host", "127.0.0.1"),
            *("--port", str(port), "--interface", "asgi3", "--lifespan", "off"),
            *("--no-access-log", "--log-level", "warning", *options),
        ]
    from gunicorn.config import KNOWN_SETTINGS

    # gunicorn >= 25.1 opens a control socket under $HOME unless told not to.
    names = {setting.name for setting in KNOWN_SETTINGS}
    quiet = ["--no-control-socket"] if "control_socket_disable" in names else []
    return [
        *(sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1"),
        *("--worker-class", "sync", "--timeout", "60", "--graceful-timeout", "2"),
        *("--log-level", "warning", *quiet, *options, app),
    ]


def accepts(port: int) -> bool:
    """Does something accept connections on 127.0.0.1:``port``?"""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def group_alive(pgid: int) -> bool:
    """Is any process of the process group ``pgid`` still there?"""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait_gone(pgid: int, timeout: float) -> bool:
    """Wait up to ``timeout`` seconds for the group ``pgid`` to be gone; whether it is."""
    deadline = time.monotonic() + timeout
    while group_alive(pgid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def stop(process: subprocess.Popen) -> None:
    """End the server's whole session: SIGTERM, then SIGKILL after ``STOP_TIMEOUT``."""
    pgid = process.pid  # start_new_session: the leader's pid is the group id
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pgid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_TIMEOUT)
    if not wait_gone(pgid, STOP_TIMEOUT):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=STOP_TIMEOUT)
    wait_gone(pgid, STOP_TIMEOUT)


def _last_line(log: Path) -> str:
    lines = [line.strip() for line in log.read_text(errors="replace").splitlines()]
    lines = [line for line in lines if line]
    return lines[-1] if lines else "no output"


@contextlib.contextmanager
def serving(
    server: str,
    app: str,
    env: Mapping[str, str] | None = None,
    options: Sequence[str] = (),
    timeout: float = START_TIMEOUT,
) -> Iterator[int]:
    """``server`` serving ``app``; yields its port once it accepts, ends it on the way out."""
    require_server(server)
    port = free_port()
    environment = dict(os.environ, **(env or {}), **{SERVED_ENV: "1"})
    # The source handlerbench runs from, then the current directory (for --app).
    path = [SOURCE_ROOT, os.getcwd(), environment.get("PYTHONPATH", "")]
    environment["PYTHONPATH"] = os.pathsep.join(filter(None, path))
    with tempfile.TemporaryDirectory(prefix="handlerbench-served-") as directory:
        log = Path(directory) / "server.log"
        with open(log, "wb") as output:
            process = subprocess.Popen(
                command(server, app, port, options),
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + timeout
            while not accepts(port):
                if process.poll() is not None:
                    raise HandlerbenchError(
                        f"--server {server} serving {app} exited with status "
                        f"{process.returncode} before accepting: {_last_line(log)}"
                    )
                if time.monotonic() > deadline:
                    raise HandlerbenchError(
                        f"--server {server} serving {app} did not accept on 127.0.0.1:{port} "
                        f"within {timeout:g} s: {_last_line(log)}"
                    )
                time.sleep(0.05)
            yield port
        finally:
            stop(process)
