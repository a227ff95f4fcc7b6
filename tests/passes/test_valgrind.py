"""Instructions per request under valgrind: the difference of two runs, and its errors.

Under valgrind a Python program with no threads and a fixed hash seed runs
the same instructions every time, give or take a few thousand in start-up,
which the difference cancels: two measurements agree within 0.1%.
"""

import json
import shutil
import sys

import pytest

from handlerbench.errors import HandlerbenchError
from handlerbench.passes.counting import valgrind
from tests.helpers import handlerbench

needs_valgrind = pytest.mark.skipif(shutil.which("valgrind") is None, reason="no valgrind")


def loop(iterations):
    """A child doing ``iterations`` thousand loop iterations: a known amount of work."""

    def command(requests):
        code = f"x = 0\nfor i in range({requests} * {iterations} * 1000):\n    x += i\n"
        return [sys.executable, "-c", code]

    return command


@needs_valgrind
def test_start_up_cancels_and_the_difference_repeats():
    one = valgrind.instructions_per_request(loop(1), "loop", low=2, high=6)
    again = valgrind.instructions_per_request(loop(1), "loop", low=2, high=6)
    three = valgrind.instructions_per_request(loop(3), "loop", low=2, high=6)
    assert one > 1000  # instructions per thousand iterations
    assert again == pytest.approx(one, rel=0.001)
    assert three == pytest.approx(3 * one, rel=0.01)


def test_a_missing_valgrind_is_one_line_naming_the_package(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(HandlerbenchError, match=r"apt-get install valgrind\)$") as raised:
        valgrind.instructions_per_request(loop(1), "loop")
    assert "\n" not in str(raised.value)


def test_a_missing_valgrind_fails_transitions_before_counting(tmp_path):
    # No valgrind on PATH: python itself is found by its full path.
    result = handlerbench(
        "transitions", "wsgi/none/sync", "--instructions", env={"PATH": str(tmp_path)}
    )
    assert result.returncode == 1
    assert result.stderr.strip().endswith("(Debian/Ubuntu: apt-get install valgrind)")
    assert len(result.stderr.strip().splitlines()) == 1


@needs_valgrind
def test_a_failing_child_is_one_line_with_its_last_words():
    def command(requests):
        return [sys.executable, "-c", "import sys; sys.exit('the child broke')"]

    with pytest.raises(HandlerbenchError, match="loop: the run under valgrind failed: the child"):
        valgrind.instructions_per_request(command, "loop")


@needs_valgrind
def test_a_child_that_outlives_its_timeout_is_stopped():
    def command(requests):
        return [sys.executable, "-c", "import time; time.sleep(60)"]

    with pytest.raises(HandlerbenchError, match=r"took longer than 0\.5 s"):
        valgrind.instructions_per_request(command, "loop", timeout=0.5)


@needs_valgrind
def test_transitions_counts_instructions_per_request_in_json_and_text():
    result = handlerbench(
        "transitions", "wsgi/none/sync", "asgi/none/sync", "--instructions", "--format", "json",
        timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    wsgi, asgi = json.loads(result.stdout)
    assert wsgi["instructions_method"] == valgrind.method()
    # Under ASGI a hello world hops to a thread three times: far more instructions.
    assert 10_000 < wsgi["instructions"] < asgi["instructions"]
    assert wsgi["calls"] > 0 and wsgi["allocations"] > 0
