"""``handlerbench served``: real servers on loopback beside the in-process figures.

Behaviour only, never speed: the JSON has its figures, an error status is
refused, and no server outlives the command, on success or interrupted.
Every server the command starts inherits a marker in its environment, so
the tests find exactly the processes it left behind.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.helpers import ROOT, handlerbench

pytest.importorskip("uvicorn")
pytest.importorskip("gunicorn")

MARK = "HANDLERBENCH_TEST_MARK"
KEYS = ("in_process_us", "served_p50_us", "served_cycle_us", "server_own_us")
FAST = ("--seconds", "0.3", "--rounds", "1")


def marked(mark: str) -> list[int]:
    """The processes whose environment carries ``mark``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"{MARK}={mark}".encode() in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def gone(mark: str, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while marked(mark):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_served_json_has_each_figure_and_leaves_no_server():
    mark = uuid.uuid4().hex
    result = handlerbench(
        "served", "asgi/none/sync", "wsgi/none/sync", *FAST, "--format", "json",
        env={MARK: mark}, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [row["name"] for row in rows] == ["asgi/none/sync", "wsgi/none/sync"]
    assert [row["server"] for row in rows] == ["uvicorn", "gunicorn"]
    for row in rows:
        assert all(row[key] > 0 for key in KEYS), row
        assert row["requests"] > 0 and row["rounds"] == 1
    assert gone(mark, timeout=2)


def test_the_text_table_names_each_column():
    result = handlerbench(
        "served", "wsgi/none/sync", "--server-option", "threads=1", *FAST, timeout=60
    )
    assert result.returncode == 0, result.stderr
    header = result.stdout.splitlines()[0]
    for column in ("in-process us", "served p50 us", "served cycle us", "server own us"):
        assert column in header


def test_an_error_status_served_is_refused(tmp_path):
    """200 in-process, 500 once served: the command refuses to time it."""
    (tmp_path / "served_errors.py").write_text(
        "import os\n"
        "def wsgi(environ, start_response):\n"
        "    status = '500 Internal Server Error' if os.environ.get('HANDLERBENCH_SERVED') "
        "else '200 OK'\n"
        "    start_response(status, [('Content-Type', 'text/plain')])\n"
        "    return [b'x']\n"
    )
    mark = uuid.uuid4().hex
    env = {MARK: mark, "PYTHONPATH": str(tmp_path)}
    result = handlerbench(
        "served", "--app", "served_errors:wsgi", "--interface", "wsgi", *FAST,
        env=env, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "answered 500, not 200 as in-process; refusing to time it" in lines[0]
    assert gone(mark, timeout=2)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_no_server_outlives_an_interrupted_run(signum):
    mark = uuid.uuid4().hex
    env = {**os.environ, MARK: mark, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "handlerbench", "served", "asgi/none/sync", "wsgi/none/sync"]
    process = subprocess.Popen(
        [*command, "--seconds", "5"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 20
        # Both null servers and the scenario's: wait for three marked servers and more.
        while len(marked(mark)) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(marked(mark)) >= 4, "the servers did not start"
        time.sleep(0.5)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == (130 if signum == signal.SIGINT else 128 + signum), stderr
    assert stderr.strip().splitlines()[-1].endswith(("interrupted", "terminated"))
    assert gone(mark), "a server outlived the command"


def test_a_project_request_is_served():
    result = handlerbench(
        "served", "--pythonpath", "tests/sample_project", "--settings", "mysite.settings",
        "--path", "/api/items/", "--handler", "wsgi", *FAST, "--format", "json", timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert row["name"] == "wsgi/default/GET /api/items/" and row["server"] == "gunicorn"
    assert all(row[key] > 0 for key in KEYS), row
