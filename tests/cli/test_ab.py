"""``handlerbench ab``: two targets live in interleaved pairs, the gate, the file, the errors.

Short budgets and small values keep these quick; they check what is
reported and how, never how fast anything is (the gate's test compares a
view that sleeps 5 ms with one that does not: no machine makes that close).
"""

import json
import stat
import sys

import pyperf
import pytest

from tests.helpers import handlerbench

QUICK = ("--budget", "6", "--values", "1", "--min-time", "0.01")
AA = ("wsgi/none/sync", "wsgi/none/sync")


def test_an_a_a_run_reports_both_sides_and_the_ratio_as_json():
    result = handlerbench("ab", "wsgi/none/sync", "wsgi/none/sync", *QUICK, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for key in ("ratio", "ci_low", "ci_high", "pairs", "precision_reached", "seconds"):
        assert key in data
    assert data["pairs"] >= 1 and data["ratio"] > 0
    assert data["a"]["name"] == data["b"]["name"] == "wsgi/none/sync"
    assert data["a"]["metadata"]["sync_to_async"] == 0  # the counting pass ran


def test_the_text_names_each_side_the_interval_and_why_it_stopped(tmp_path):
    out = tmp_path / "ab.json"
    result = handlerbench(
        "ab", "asgi/none/sync", "asgi/default/sync", *QUICK, "-o", str(out), "--format", "md"
    )
    assert result.returncode == 0, result.stderr
    assert "| A: asgi/none/sync |" in result.stdout
    assert "| B: asgi/default/sync |" in result.stdout
    assert "B/A: " in result.stdout and "pairs of worker processes" in result.stdout
    assert "stopped: " in result.stdout
    a, b = pyperf.BenchmarkSuite.load(str(out)).get_benchmarks()
    assert (a.get_name(), b.get_name()) == ("asgi/none/sync", "asgi/default/sync")
    assert b.get_metadata()["sync_to_async"] > a.get_metadata()["sync_to_async"]
    assert "ab_ratio" in b.get_metadata()
    report = handlerbench("report", str(out))
    assert report.returncode == 0 and "asgi/default/sync" in report.stdout


def test_the_gate_fails_when_b_is_slower_even_at_the_lower_bound():
    result = handlerbench(
        "ab", "wsgi/none/sync", "wsgi/none/sync-io", "--delay", "5", "--fail-slower", "10",
        "--budget", "12", "--values", "1", "--min-time", "0.02",
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("handlerbench: error: ab: B is ")
    assert "more than --fail-slower 10%" in result.stderr


def test_b_runs_on_the_python_given(tmp_path):
    # Another interpreter: a wrapper, so the side is run as a different Python would be.
    python_b = tmp_path / "python-b"
    python_b.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python_b.chmod(python_b.stat().st_mode | stat.S_IEXEC)
    result = handlerbench(
        "ab", "wsgi/none/sync", "wsgi/none/sync", *QUICK, "--python-b", str(python_b),
        "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["b"]["python"] == str(python_b)
    assert data["a"]["python"] == sys.executable


@pytest.mark.parametrize(
    ("argv", "status", "line"),
    [
        (["wsgi/none/sync"], 2, "ab compares two targets, A and B; 1 given"),
        (["wsgi/none/sync", "x/y"], 2, "scenario 'x/y' is not of the form"),
        (["a", "b", "--settings", "mysite.settings"], 2, "with --settings, A and B are"),
        (
            ["wsgi/none/sync", "wsgi/none/sync", "--python-b", "/no/such/python"],
            2,
            "no such Python",
        ),
        (["wsgi/none/sync", "wsgi/none/sync", "--precision", "0"], 2, "must be more than 0"),
        (
            ["wsgi/none/sync", "wsgi/none/sync", "-o", "README.md"],
            2,
            "-o README.md: the file exists",
        ),
        (["wsgi/none/sync", "wsgi/none/bogus"], 2, "unknown view 'bogus'"),
    ],
)
def test_bad_input_is_one_line(argv, status, line):
    result = handlerbench("ab", *argv)
    assert result.returncode == status, result.stderr
    assert line in result.stderr
    assert "Traceback" not in result.stderr


def test_a_failing_worker_is_one_line_naming_its_side():
    result = handlerbench(
        "ab", "--app", "x:y", "--interface", "wsgi", "wsgi/none/sync", "wsgi/none/sync"
    )
    assert result.returncode == 2
    assert "give either --app or scenario names, not both" in result.stderr


def test_no_temporary_directory_is_left_behind(tmp_path, monkeypatch):
    env_tmp = tmp_path / "tmp"
    env_tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(env_tmp))
    result = handlerbench("ab", *AA, *QUICK)
    assert result.returncode == 0, result.stderr
    assert list(env_tmp.iterdir()) == []
