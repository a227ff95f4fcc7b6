"""The command line: one-line errors with the right exit status, and real pyperf runs."""

import json
from argparse import Namespace

import pyperf
import pytest

from handlerbench.cli import forward_run_arguments
from tests.helpers import handlerbench


def assert_one_line_error(result, status, text):
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("handlerbench: error: ")
    assert text in lines[0]


def test_list_names_every_axis_and_scenario():
    result = handlerbench("list")
    assert result.returncode == 0
    assert "handlers: wsgi asgi" in result.stdout
    assert "  asgi/default/sync" in result.stdout


def test_no_command_prints_usage_and_fails():
    result = handlerbench()
    assert result.returncode == 2
    assert "usage: handlerbench COMMAND" in result.stdout


def test_help_succeeds():
    result = handlerbench("--help")
    assert result.returncode == 0
    assert "run [SCENARIO ...]" in result.stdout


def test_run_help_shows_pyperf_and_handlerbench_options():
    result = handlerbench("run", "--help")
    assert result.returncode == 0
    assert "--fast" in result.stdout and "--app MODULE:CALLABLE" in result.stdout


@pytest.mark.parametrize(
    ("argv", "status", "text"),
    [
        (["frobnicate"], 2, "unknown command 'frobnicate'"),
        (["run", "asgi/none/nope"], 2, "unknown view 'nope'"),
        (["run", "asgi/none"], 2, "not of the form handler/stack/view"),
        (["run", "--app", "handlerbench.app.null:wsgi"], 2, "--app needs --interface"),
        (["run", "--interface", "wsgi"], 2, "--interface applies only with --app"),
        (["run", "--app", "x:y", "--interface", "wsgi", "wsgi/none/sync"], 2, "not both"),
        (["run", "wsgi/none/sync", "wsgi/none/sync"], 1, "scenario given twice"),
        (
            ["run", "--app", "tests.sample_apps:wsgi_not_found", "--interface", "wsgi"],
            1,
            "wsgi/app/tests.sample_apps:wsgi_not_found: GET / answered 404 Not Found",
        ),
        (
            ["run", "--app", "no_such_module_anywhere:app", "--interface", "asgi"],
            1,
            "cannot import no_such_module_anywhere",
        ),
    ],
)
def test_bad_input_is_one_line_and_a_status(argv, status, text):
    assert_one_line_error(handlerbench(*argv), status, text)


def test_run_times_scenarios_in_workers_and_writes_pyperf_json(tmp_path):
    output = tmp_path / "run.json"
    result = handlerbench(
        "run", "wsgi/none/sync", "asgi/none/async", "--debug-single-value", "-o", str(output)
    )
    assert result.returncode == 0, result.stderr
    names = pyperf.BenchmarkSuite.load(str(output)).get_benchmark_names()
    assert names == ["wsgi/none/sync", "asgi/none/async"]
    table = result.stdout.split("\n\n")[-1].splitlines()
    assert table[0].split() == ["scenario", "us/req", "ratio", "s2a/req", "a2s/req", "threads/req"]
    wsgi, asgi = (line.split() for line in table[2:])
    assert (wsgi[0], wsgi[2], wsgi[3:5]) == ("wsgi/none/sync", "1.00x", ["0", "0"])
    # request_started's receivers and response.close hop; the async view does not.
    assert (asgi[0], asgi[3:5]) == ("asgi/none/async", ["2", "0"])
    # The counts were taken in the worker that timed: its metadata carries them.
    metadata = pyperf.BenchmarkSuite.load(str(output)).get_benchmark("asgi/none/async")
    assert metadata.get_metadata()["sync_to_async"] == 2


def test_run_forwards_app_options_to_the_workers(tmp_path):
    output = tmp_path / "app.json"
    result = handlerbench(
        "run",
        "--app",
        "handlerbench.app.null:asgi",
        "--interface",
        "asgi",
        "--debug-single-value",
        "--format",
        "md",
        "-o",
        str(output),
    )
    assert result.returncode == 0, result.stderr
    (benchmark,) = pyperf.BenchmarkSuite.load(str(output)).get_benchmarks()
    # Only a worker that got --app and --interface can have timed this.
    assert benchmark.get_name() == "asgi/app/handlerbench.app.null:asgi"
    assert benchmark.get_metadata()["app"] == "handlerbench.app.null:asgi"
    assert "| asgi/app/handlerbench.app.null:asgi |" in result.stdout


def test_transitions_json_has_the_documented_keys():
    result = handlerbench("transitions", "wsgi/none/async", "asgi/none/sync", "--json")
    assert result.returncode == 0, result.stderr
    reports = json.loads(result.stdout)
    assert [r["scenario"] for r in reports] == ["wsgi/none/async", "asgi/none/sync"]
    for report in reports:
        for key in ("sync_to_async", "async_to_sync", "threads_started", "executors_created"):
            assert isinstance(report[key], int)
        for hop in report["hops"]:
            assert {"direction", "name", "thread_sensitive"} <= set(hop)
    assert [(h["direction"], h["name"]) for h in reports[0]["hops"]] == [
        ("async_to_sync", "hello_async")
    ]


def test_transitions_text_lists_hops_by_name():
    result = handlerbench("transitions", "asgi/default/sync")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("asgi/default/sync: 16 sync_to_async, 0 async_to_sync")
    assert "SessionMiddleware.process_request" in result.stdout
    assert "per request, in order:" in result.stdout


@pytest.mark.parametrize(
    ("argv", "text"),
    [
        (["transitions", "asgi/none/x"], "unknown view 'x'"),
        (["transitions", "--requests", "0", "asgi/none/sync"], "--requests must be at least 1"),
    ],
)
def test_transitions_bad_input(argv, text):
    assert_one_line_error(handlerbench(*argv), 2, text)


def test_forwarded_arguments():
    cmd = ["python"]
    forward_run_arguments(cmd, Namespace(app=None, interface=None, scenarios=["asgi/none/sync"]))
    assert cmd == ["python", "asgi/none/sync"]
    cmd = []
    forward_run_arguments(cmd, Namespace(app="m:a", interface="wsgi", scenarios=[]))
    assert cmd == ["--app", "m:a", "--interface", "wsgi"]
