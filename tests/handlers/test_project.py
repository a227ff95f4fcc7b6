"""A user's own project (tests/sample_project): measured, counted, and refused when wrong.

Django holds one configuration per process and this one holds the built-in
app, so every test runs handlerbench in a process of its own, as users do.
"""

import pyperf
import pytest

from handlerbench.compat import request_started_hop
from tests.helpers import handlerbench

PROJECT = ("--pythonpath", "tests/sample_project")
SETTINGS = (*PROJECT, "--settings", "mysite.settings")
ITEMS = (*SETTINGS, "--path", "/api/items/")


def one_line_error(result, status):
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("handlerbench: error: ")
    return lines[0]


def test_run_measures_the_project_under_both_handlers(tmp_path):
    output = tmp_path / "project.json"
    result = handlerbench("run", *ITEMS, "--debug-single-value", "-o", str(output))
    assert result.returncode == 0, result.stderr
    suite = pyperf.BenchmarkSuite.load(str(output))
    assert suite.get_benchmark_names() == [
        "wsgi/default/GET /api/items/",
        "asgi/default/GET /api/items/",
    ]
    asgi = suite.get_benchmark("asgi/default/GET /api/items/").get_metadata()
    assert asgi["settings"] == "mysite.settings"
    assert asgi["middleware"].endswith(
        "XFrameOptionsMiddleware,api.middleware.ApiVersionMiddleware"
    )
    # Counted in the worker: 8 middleware, the view, the signal and close.
    assert (asgi["sync_to_async"], asgi["async_to_sync"]) == (17, 0)
    wsgi = suite.get_benchmark("wsgi/default/GET /api/items/").get_metadata()
    assert (wsgi["sync_to_async"], wsgi["async_to_sync"]) == (0, 0)
    assert "asgi/default/GET /api/items/" in result.stdout.split("\n\n")[-1]


def test_transitions_name_the_projects_own_middleware_view_and_receivers():
    result = handlerbench("transitions", *ITEMS, "--handler", "asgi")
    assert result.returncode == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith("asgi/default/GET /api/items/: 17 sync_to_async, 0 async_to_sync")
    for name in (
        # Django 4.2 hops to request_started.send, 5.0+ to a function of its receivers.
        request_started_hop().removesuffix(")") + ", note_request_started)",
        "ApiVersionMiddleware.process_response",
        "ItemsView.as_view()",
        "JsonResponse.close",
    ):
        assert name in result.stdout


def test_the_37177_fix_applies_to_the_projects_middleware():
    result = handlerbench(
        "transitions", *ITEMS, "--handler", "asgi", "--stack", "default,default-fixed"
    )
    assert result.returncode == 0, result.stderr
    heads = [line for line in result.stdout.splitlines() if line.startswith("asgi/")]
    assert heads[0].startswith("asgi/default/GET /api/items/: 17 sync_to_async, 0 async")
    assert heads[1].startswith("asgi/default-fixed/GET /api/items/: 5 sync_to_async, 1 async")
    # The project's own middleware is in the block adapted once.
    assert "async_to_sync  middleware api.middleware.ApiVersionMiddleware" in result.stdout


def test_a_json_post_is_sent_with_its_body_and_content_type():
    result = handlerbench(
        "transitions", *SETTINGS, "--path", "/api/items/", "--json", '{"name": "x"}',
        "--handler", "wsgi", "--format", "json",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert '"scenario": "wsgi/default/POST /api/items/"' in result.stdout


def test_debug_on_is_warned_about_and_still_measured():
    result = handlerbench(
        "transitions", *PROJECT, "--settings", "mysite.settings_debug", "--path", "/api/items/"
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("handlerbench: warning: mysite.settings_debug has DEBUG = True")


@pytest.mark.parametrize(
    ("argv", "text"),
    [
        (
            (*SETTINGS, "--path", "/api/missing/"),
            "GET /api/missing/ answered 404 Not Found (no URL pattern matches /api/missing/)",
        ),
        (
            (*SETTINGS, "--path", "/api/boom/"),
            "answered 500 Internal Server Error "
            "(the view raised ValueError: the view failed on purpose)",
        ),
        (
            (*SETTINGS, "--path", "/api/items"),
            "answered 301 Moved Permanently (a redirect to /api/items/), expected a 2xx status; "
            "refusing to time an answer not asked for; --expect-status 301 times it anyway",
        ),
        ((*SETTINGS, "--path", "/api/teapot/"), "answered 418 I'm a Teapot"),
        (
            (*ITEMS, "--host", "evil.example"),
            "answered 400 Bad Request (Invalid HTTP_HOST header: 'evil.example'.",
        ),
        (
            (*PROJECT, "--settings", "nosuch.settings"),
            "--settings nosuch.settings: no module named 'nosuch'",
        ),
        (
            (*PROJECT, "--settings", "mysite.settings_broken_urls"),
            "--settings mysite.settings_broken_urls: ROOT_URLCONF 'mysite.broken_urls' raised "
            "ImportError on import: cannot import name 'NoSuchView'",
        ),
    ],
    ids=["404", "500", "redirect", "418", "host", "settings", "urlconf"],
)
def test_bad_requests_and_projects_are_one_line_naming_the_cause(argv, text):
    line = one_line_error(handlerbench("transitions", *argv), 1)
    assert text in line


def test_an_expected_redirect_is_timed(tmp_path):
    result = handlerbench(
        "run", *SETTINGS, "--path", "/api/items", "--expect-status", "301",
        "--handler", "wsgi", "--debug-single-value", "-o", str(tmp_path / "r.json"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    benchmark = pyperf.BenchmarkSuite.load(str(tmp_path / "r.json")).get_benchmarks()[0]
    assert benchmark.get_metadata()["expect_status"] == 301


@pytest.mark.parametrize(
    ("argv", "text"),
    [
        ((*SETTINGS, "--stack", "each"), "with --settings, --stack is default, default-fixed"),
        ((*SETTINGS, "--view", "sync"), "--view is an option of the built-in app's scenarios"),
        ((*SETTINGS, "asgi/none/sync"), "with --settings, name the request with --path"),
        ((*SETTINGS, "--handler", "uwsgi"), "unknown handler 'uwsgi'"),
        ((*PROJECT,), "--pythonpath applies only with --settings"),
        (
            ("--path", "/api/items/"),
            "--path: request options are for --settings (your project) or --app",
        ),
        ((*SETTINGS, "--body", "@missing.json"), "argument --body: cannot read missing.json"),
        ((*SETTINGS, "--expect-status", "999"), "an HTTP status is 100 to 599"),
        (("--pythonpath", "no/such/dir", "--settings", "x"), "no/such/dir: no such directory"),
    ],
)
def test_contradictory_options_are_usage_errors(argv, text):
    line = one_line_error(handlerbench("transitions", *argv), 2)
    assert text in line
