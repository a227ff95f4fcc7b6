"""The command line: one-line errors with the right exit status, and real pyperf runs."""

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
    table = result.stdout.split("\n\n")[-1]
    assert table.splitlines()[0].split() == ["scenario", "us/req", "ratio"]
    assert "wsgi/none/sync" in table and "1.00x" in table and "asgi/none/async" in table


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


def test_forwarded_arguments():
    cmd = ["python"]
    forward_run_arguments(cmd, Namespace(app=None, interface=None, scenarios=["asgi/none/sync"]))
    assert cmd == ["python", "asgi/none/sync"]
    cmd = []
    forward_run_arguments(cmd, Namespace(app="m:a", interface="wsgi", scenarios=[]))
    assert cmd == ["--app", "m:a", "--interface", "wsgi"]
