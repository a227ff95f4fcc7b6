"""Sequential requests have a deadline: a hang ends the process with one line, never CI."""

import threading
import time

import pytest

from handlerbench.drive import deadline as watchdog
from tests.helpers import handlerbench, run


def test_a_watch_is_overdue_only_when_the_same_request_outlives_the_deadline():
    watch = watchdog.Watch("x", 10.0)
    start = time.monotonic()
    assert not watch.overdue(start + 5)
    watch.mark = 1  # the next request started: its own deadline
    assert not watch.overdue(start + 12)
    assert not watch.overdue(start + 21)
    assert watch.overdue(start + 23)


def test_watched_runs_are_registered_only_while_inside_and_the_thread_is_the_harness():
    with watchdog.watched("scenario") as watch:
        assert watch in watchdog._active
        assert watch.deadline == watchdog.DEFAULT_DEADLINE
    assert watch not in watchdog._active
    names = [t.name for t in threading.enumerate() if t.name.startswith(watchdog.HARNESS)]
    assert f"{watchdog.HARNESS}deadline" in names


def test_each_watched_run_has_the_deadline_it_was_given():
    with watchdog.watched("x", 2.5) as watch, watchdog.watched("y", 4.0) as other:
        assert (watch.deadline, other.deadline) == (2.5, 4.0)


def test_an_overdue_request_ends_the_process_with_one_line():
    code = (
        "import time\n"
        "from handlerbench.drive import deadline as watchdog\n"
        "with watchdog.watched('asgi/x/y', 0.3):\n"
        "    time.sleep(30)\n"
    )
    started = time.monotonic()
    result = run("-c", code, timeout=60)
    assert time.monotonic() - started < 20
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "handlerbench: error: asgi/x/y: a request did not finish within its 0.3 s deadline "
        "(--deadline); the view may never return"
    )


def one_line(result, status):
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr.strip().splitlines()


@pytest.mark.parametrize("command", ["run", "transitions"])
def test_a_checked_request_that_never_returns_names_its_scenario(command):
    started = time.monotonic()
    result = handlerbench(
        command, "--app", "tests.sample_apps:wsgi_hangs", "--interface", "wsgi",
        "--deadline", "0.5", *(["--debug-single-value"] if command == "run" else []),
        timeout=60,
    )  # fmt: skip
    assert time.monotonic() - started < 30
    (line,) = one_line(result, 1)
    assert line.startswith(
        "handlerbench: error: wsgi/app/tests.sample_apps:wsgi_hangs: a request did not "
        "finish within its 0.5 s deadline"
    )


@pytest.mark.parametrize(
    ("app", "interface"),
    [("wsgi_hangs_in_workers", "wsgi"), ("asgi_thread_hangs_in_workers", "asgi")],
)
def test_a_timed_request_that_never_returns_fails_the_worker_and_the_run(app, interface):
    started = time.monotonic()
    result = handlerbench(
        "run", "--app", f"tests.sample_apps:{app}", "--interface", interface,
        "--deadline", "0.5", "--debug-single-value", timeout=60,
    )  # fmt: skip
    assert time.monotonic() - started < 30
    worker, master = one_line(result, 1)
    name = f"{interface}/app/tests.sample_apps:{app}"
    assert worker.startswith(f"handlerbench: error: {name}: a request did not finish")
    assert master.startswith(f"handlerbench: error: {name}: a pyperf worker failed")


def test_a_request_holding_the_gil_is_ended_by_the_backstop():
    # A runaway regular expression never releases the GIL: the watchdog thread
    # cannot run, faulthandler's timer (armed by it) ends the process.
    code = (
        "import re\n"
        "from handlerbench.drive import deadline as watchdog\n"
        "watchdog.BACKSTOP = 1.0\n"
        "with watchdog.watched('wsgi/x/redos', 0.3):\n"
        "    re.match(r'(a+)+$', 'a' * 64 + 'b')\n"
    )
    started = time.monotonic()
    result = run("-c", code, timeout=60)
    assert time.monotonic() - started < 30
    assert result.returncode != 0
    assert "Timeout (0:00:01" in result.stderr


def test_the_watchdog_cleans_up_before_it_ends_the_process(tmp_path):
    leftover = tmp_path / "partial.json"
    code = (
        "import pathlib, time\n"
        "from handlerbench.drive import deadline as watchdog\n"
        f"path = pathlib.Path({str(leftover)!r}); path.write_text('partial')\n"
        "watchdog.on_exit(lambda: path.unlink())\n"
        "with watchdog.watched('x', 0.3):\n"
        "    time.sleep(30)\n"
    )
    result = run("-c", code, timeout=60)
    assert result.returncode == 1
    assert not leftover.exists()


def test_a_cleanup_is_held_only_until_it_is_unregistered():
    def cleanup():
        return None

    unregister = watchdog.on_exit(cleanup)
    assert cleanup in watchdog._cleanups
    unregister()
    assert cleanup not in watchdog._cleanups
