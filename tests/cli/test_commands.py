"""The command line: one-line errors with the right exit status, and real pyperf runs."""

import json
import time

import pyperf
import pytest

from handlerbench.app.stacks import EACH_STACKS
from handlerbench.handlers.scenario import STACKS, VIEWS
from tests.helpers import handlerbench


def assert_one_line_error(result, status, text):
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("handlerbench: error: ")
    assert text in lines[0]


def test_list_names_every_axis():
    result = handlerbench("list")
    assert result.returncode == 0
    assert "handlers: wsgi asgi" in result.stdout
    for name in (*STACKS, *VIEWS):
        assert f"\n  {name} " in result.stdout
    assert "each:AuthenticationMiddleware     SessionMiddleware, AuthenticationMiddleware" in (
        result.stdout
    )


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
        (["run", "--stack", "each", "asgi/none/sync"], 2, "either scenario names or --stack"),
        (["run", "--stack", "huge"], 2, "unknown stack 'huge'"),
        (["run", "--view", "sync,,async"], 2, "argument --view: 'sync,,async' has an empty name"),
        (["run", "--stack", "custom"], 2, "stack 'custom' needs --middleware"),
        (["run", "--middleware", "a.B", "--stack", "none"], 2, "--middleware applies only"),
        (["run", "--delay", "soon"], 2, "argument --delay: invalid float value: 'soon'"),
        (["run", "--delay", "-5"], 2, "--delay -5.0: must be 0 to 60000 ms"),
        (["run", "--body-size", "3"], 2, "--body-size 3: must be"),
        (["run", "--nonsense"], 2, "unrecognized arguments: --nonsense"),
        (
            ["run", "--concurrency", "0"],
            2,
            "argument --concurrency: '0': a concurrency is 1 to 10000",
        ),
        (["run", "--concurrency", "99999999999999999999"], 2, "a concurrency is 1 to 10000"),
        (["run", "--concurrency", "4,4"], 2, "'4,4' repeats a concurrency"),
        (["run", "--concurrency", "many"], 2, "'many' is not a list of whole numbers"),
        (["run", "--deadline", "0"], 2, "argument --deadline: '0': must be more than 0 seconds"),
        (["run", "--loop", "trio"], 2, "argument --loop: invalid choice: 'trio'"),
        (
            ["run", "--middleware", "no.such.Middleware"],
            1,
            "middleware no.such.Middleware does not import",
        ),
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
    heading, *table = result.stdout.split("\n\n")[-1].splitlines()
    assert heading.startswith("ASGI event loop: ")
    assert table[0].split() == [
        *("scenario", "us/req", "ratio", "response", "us", "tail", "us"),
        *("s2a/req", "a2s/req", "threads/req", "calls/req", "alloc", "peak", "KiB"),
    ]
    wsgi, asgi = (line.split() for line in table[2:])
    assert (wsgi[0], wsgi[2], wsgi[5:7]) == ("wsgi/none/sync", "1.00x", ["0", "0"])
    # request_started's receivers and response.close hop; the async view does not.
    assert (asgi[0], asgi[5:7]) == ("asgi/none/async", ["2", "0"])
    # Both times per request, the tail after the response their difference.
    for row in (wsgi, asgi):
        response, tail = (float(cell.replace(",", "")) for cell in row[3:5])
        assert response > 0 and tail >= 0
    # The counts were taken in the worker that timed: its metadata carries them,
    # and the counters beside them (shown beside the times, never instead).
    metadata = pyperf.BenchmarkSuite.load(str(output)).get_benchmark("asgi/none/async")
    assert metadata.get_metadata()["sync_to_async"] == 2
    runs = metadata.get_runs()
    assert all(r.get_metadata()["return_us"] >= r.get_metadata()["response_us"] for r in runs)
    assert metadata.get_metadata()["calls"] > 0 and metadata.get_metadata()["allocations"] > 0
    assert "instructions" not in metadata.get_metadata()
    assert float(asgi[-2].replace(",", "")) > float(wsgi[-2].replace(",", "")) > 0


def test_a_failing_worker_is_named_in_one_line_by_the_master():
    result = handlerbench(
        "run",
        "--app",
        "tests.sample_apps:wsgi_fails_in_workers",
        "--interface",
        "wsgi",
        "--debug-single-value",
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    worker, master = result.stderr.strip().splitlines()
    assert "answered 500 Internal Server Error, expected a 2xx status" in worker
    assert master.startswith(
        "handlerbench: error: wsgi/app/tests.sample_apps:wsgi_fails_in_workers: "
        "a pyperf worker failed"
    )


@pytest.mark.parametrize(
    ("app", "interface"),
    [
        ("asgi_hangs_in_flight", "asgi"),
        ("wsgi_hangs_in_flight", "wsgi"),
        ("asgi_thread_hangs_in_flight", "asgi"),
    ],
)
def test_a_request_that_never_finishes_fails_the_run_within_its_deadline(app, interface):
    started = time.monotonic()
    result = handlerbench(
        "run",
        "--app",
        f"tests.sample_apps:{app}",
        "--interface",
        interface,
        "--concurrency",
        "4",
        "--deadline",
        "0.5",
        "--debug-single-value",
        timeout=60,
    )
    # A stuck thread must not keep the process alive: it exits, it does not join.
    assert time.monotonic() - started < 30
    assert_one_line_error(
        result,
        1,
        f"{interface}/app/tests.sample_apps:{app} at concurrency 4: "
        "a request did not finish within its 0.5 s deadline",
    )


def test_run_at_several_concurrencies_prints_the_37177_shape(tmp_path):
    output = tmp_path / "conc.json"
    result = handlerbench(
        "run",
        "asgi/none/sync",
        "wsgi/none/sync",
        "--concurrency",
        "1,4",
        "--debug-single-value",
        "-o",
        str(output),
    )
    assert result.returncode == 0, result.stderr
    suite = pyperf.BenchmarkSuite.load(str(output))
    assert suite.get_benchmark_names() == [
        "asgi/none/sync",
        "asgi/none/sync@c=4",
        "wsgi/none/sync",
        "wsgi/none/sync@c=4",
    ]
    concurrent = suite.get_benchmark("wsgi/none/sync@c=4")
    metadata = concurrent.get_metadata()
    # Observed once by the master, forwarded to the worker that timed.
    # Ten requests per client per loop: a sustained load, not one burst.
    assert metadata["concurrency"] == 4 and metadata["inner_loops"] == 40
    assert metadata["peak_threads"] == 5  # four client threads and the main one
    assert metadata["latency_p50"] <= metadata["latency_p99"]
    assert suite.get_benchmark("asgi/none/sync").get_metadata()["concurrency"] == 1
    heading, *table = result.stdout.split("\n\n")[-1].splitlines()
    assert heading.startswith("ASGI event loop: ")
    assert table[0].split() == [
        "scenario",
        "seq",
        "us/req",
        "hops/req",
        "calls/req",
        "alloc",
        "peak",
        "KiB",
        "c=4",
        "req/s",
        "c=4",
        "p99",
        "ms",
        "c=4",
        "peak",
        "thr",
    ]
    assert [row.split()[0] for row in table[2:]] == ["asgi/none/sync", "wsgi/none/sync"]


def test_run_forwards_the_loop_to_the_workers(tmp_path):
    pytest.importorskip("uvloop")
    output = tmp_path / "uvloop.json"
    result = handlerbench(
        "run", "asgi/none/async", "--loop", "uvloop", "--debug-single-value", "-o", str(output)
    )
    assert result.returncode == 0, result.stderr
    (benchmark,) = pyperf.BenchmarkSuite.load(str(output)).get_benchmarks()
    assert benchmark.get_metadata()["loop"] == "uvloop"


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
    result = handlerbench("transitions", "wsgi/none/async", "asgi/none/sync", "--format", "json")
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


def test_run_with_axes_forwards_them_and_the_view_options_to_workers(tmp_path):
    output = tmp_path / "each.json"
    result = handlerbench(
        "run",
        "--stack",
        "each",
        "--handler",
        "asgi",
        "--view",
        "sync-io",
        "--delay",
        "0.25",
        "--debug-single-value",
        "-o",
        str(output),
    )
    assert result.returncode == 0, result.stderr
    benchmarks = pyperf.BenchmarkSuite.load(str(output)).get_benchmarks()
    assert [b.get_name() for b in benchmarks] == [f"asgi/{s}/sync-io" for s in EACH_STACKS]
    # Only a worker that got --delay 0.25 records it (and passed the check with it).
    assert {b.get_metadata()["delay_ms"] for b in benchmarks} == {0.25}
    rows = result.stdout.split("\n\n")[-1].splitlines()[3:]  # under the loop and header
    assert [row.split()[0] for row in rows] == [b.get_name() for b in benchmarks]
    # One more hop per sync hook of the middleware, over asgi/none's three.
    assert [int(row.split()[-5]) for row in rows] == [5, 5, 5, 6, 6, 7, 4]


def test_run_with_custom_middleware(tmp_path):
    output = tmp_path / "custom.json"
    result = handlerbench(
        "run",
        "--middleware",
        "django.middleware.gzip.GZipMiddleware",
        "--stack",
        "custom,custom-fixed",
        "--handler",
        "asgi",
        "--view",
        "json",
        "--debug-single-value",
        "-o",
        str(output),
    )
    assert result.returncode == 0, result.stderr
    suite = pyperf.BenchmarkSuite.load(str(output))
    assert suite.get_benchmark_names() == ["asgi/custom/json", "asgi/custom-fixed/json"]
    metadata = suite.get_benchmark("asgi/custom/json").get_metadata()
    assert metadata["middleware"] == "django.middleware.gzip.GZipMiddleware"


def test_report_and_compare_on_saved_runs(tmp_path):
    from tests.saved_runs import benchmark, save

    before = save(tmp_path / "dj42.json", benchmark("asgi/none/sync", [1e-3] * 4, ["s2a a"]))
    after = save(
        tmp_path / "dj61.json", benchmark("asgi/none/sync", [1e-3] * 4, ["s2a a", "a2s b"])
    )
    result = handlerbench("report", before, after, "--format", "md")
    assert result.returncode == 0, result.stderr
    assert "| asgi/none/sync | 1,000.0 (1) | 1,000.0 (2) | differ: 1-2 | - |" in result.stdout
    compared = handlerbench("compare", before, after)
    assert compared.returncode == 0, compared.stderr
    assert "asgi/none/sync: hops added: a2s b" in compared.stdout
    gated = handlerbench("compare", before, after, "--no-new-hops")
    assert_one_line_error(
        gated, 1, "compare: asgi/none/sync makes 2 hops, 1 before (--no-new-hops): a2s b"
    )
    assert "hops added: a2s b" in gated.stdout
    assert_one_line_error(
        handlerbench("compare", before, str(tmp_path / "nope.json")), 1, "nope.json: no such file"
    )
    assert_one_line_error(
        handlerbench("compare", before, after, "--max-slowdown", "-1"), 2, "must be 0 or more"
    )
    assert_one_line_error(handlerbench("report"), 2, "the following arguments are required")


def test_profile_prints_the_top_functions_and_writes_pstats(tmp_path):
    import pstats

    output = tmp_path / "asgi.pstats"
    result = handlerbench(
        "profile", "asgi/none/sync", "--requests", "50", "--top", "5", "-o", str(output)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("asgi/none/sync: 50 requests in ")
    assert "Ordered by: cumulative time" in result.stdout
    names = {function for _file, _line, function in pstats.Stats(str(output)).stats}
    assert "hello_sync" in names


@pytest.mark.parametrize(
    ("argv", "status", "text"),
    [
        (["profile"], 2, "profile takes one scenario"),
        (["profile", "wsgi/none/sync", "asgi/none/sync"], 2, "profile takes one scenario"),
        (["profile", "asgi/none/sync", "--sort", "nope"], 2, "argument --sort: invalid choice"),
        (["profile", "asgi/none/sync", "--requests", "0"], 2, "must be at least 1"),
        (["profile", "asgi/none/sync", "-o", "no/such/dir/p.pstats"], 2, "does not exist"),
        (
            ["profile", "asgi/none/sync", "--profiler", "pyinstrument", "-o", "p.pstats"],
            2,
            "use it with --profiler cprofile",
        ),
        (
            ["run", "asgi/none/sync", "--path", "/x/"],
            2,
            "--path: request options are for --settings",
        ),
    ],
)
def test_profile_and_request_option_errors(argv, status, text):
    assert_one_line_error(handlerbench(*argv), status, text)


def test_soak_reports_threads_and_fds_back_at_their_baseline():
    result = handlerbench(
        "soak", "wsgi/default/sync", "asgi/default/sync",
        "--requests", "300", "--checkpoints", "3", "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    reports = json.loads(result.stdout)
    assert [r["scenario"] for r in reports] == ["wsgi/default/sync", "asgi/default/sync"]
    for report in reports:
        assert len(report["samples"]) == 5
        start, end = report["samples"][0], report["samples"][-1]
        assert end["threads"] == start["threads"]
        assert end["fds"] <= start["fds"]


@pytest.mark.parametrize(
    ("argv", "text"),
    [
        (["soak"], "soak takes one or more scenarios"),
        (["soak", "wsgi/none/sync", "--requests", "2", "--checkpoints", "3"], "at least"),
        (["soak", "wsgi/none/sync", "--requests", "0"], "must be at least 1"),
    ],
)
def test_soak_bad_input(argv, text):
    assert_one_line_error(handlerbench(*argv), 2, text)
