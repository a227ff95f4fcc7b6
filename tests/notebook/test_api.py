"""The notebook API: keywords become the command line, results come back as objects."""

import argparse
import math

import pytest

import handlerbench as hb
from handlerbench.cli.commands.profile import parser as profile_parser
from handlerbench.cli.commands.run import options_parser as run_options_parser
from handlerbench.cli.commands.transitions import parser as transitions_parser
from handlerbench.notebook._child import command_line
from tests.helpers import ROOT

PROJECT = {
    "pythonpath": str(ROOT / "tests" / "sample_project"),
    "settings": "mysite.settings",
    "path": "/api/items/",
}


def test_keywords_become_the_options_of_the_command_line(tmp_path):
    argv = command_line(
        run_options_parser(),
        {
            "fast": True,
            "rigorous": False,
            "stack": ["default", "default-fixed"],
            "concurrency": [1, 50],
            "delay": 2.5,
            "headers": {"Accept": "application/json", "X-A": "b"},
            "cookies": ["a=1", "b=2"],
            "json": {"name": "x"},
            "expect_status": 201,
            "loop": None,
        },
        str(tmp_path),
    )
    assert argv == [
        "--fast",
        "--stack=default,default-fixed",
        "--concurrency=1,50",
        "--delay=2.5",
        "--header=Accept: application/json",
        "--header=X-A: b",
        "--cookie=a=1",
        "--cookie=b=2",
        '--json={"name": "x"}',
        "--expect-status=201",
    ]
    assert run_options_parser().parse_args(argv[1:]).header == [
        "Accept: application/json",
        "X-A: b",
    ]


def test_a_bytes_body_is_passed_as_a_file(tmp_path):
    for body in (b"\x00binary", bytearray(b"\x00binary"), memoryview(b"\x00binary")):
        (argv,) = command_line(run_options_parser(), {"body": body}, str(tmp_path))
        assert argv == f"--body=@{tmp_path / 'body'}"
        assert (tmp_path / "body").read_bytes() == b"\x00binary"


def test_values_that_look_like_options_and_json_false_reach_the_command(tmp_path):
    argv = command_line(run_options_parser(), {"body": "--boundary", "json": False}, str(tmp_path))
    assert argv == ["--body=--boundary", "--json=false"]


@pytest.mark.parametrize(
    ("parser", "options", "text"),
    [
        (run_options_parser, {"bogus": 1}, "unknown option 'bogus' for handlerbench run"),
        (transitions_parser, {"fast": True}, "unknown option 'fast' for handlerbench transitions"),
        (run_options_parser, {"fast": "yes"}, "fast= is a switch: give True or leave it out"),
    ],
)
def test_unknown_or_misused_keywords_are_usage_errors(parser, options, text, tmp_path):
    with pytest.raises(hb.UsageError, match=text):
        command_line(parser(), options, str(tmp_path))


def test_every_option_of_the_commands_has_a_keyword(tmp_path):
    for parser in (run_options_parser(), transitions_parser(), profile_parser()):
        for action in parser._actions:
            if not action.option_strings or action.help == argparse.SUPPRESS:
                continue
            if isinstance(action, argparse._HelpAction):
                continue
            value = True if action.nargs == 0 else "1"
            (text,) = command_line(parser, {action.dest: value}, str(tmp_path))
            assert text.split("=")[0] in action.option_strings


def test_scenarios_may_come_as_lists_and_anything_else_is_a_usage_error():
    from handlerbench.notebook.api import _names

    assert _names(["a/b/c", ["d/e/f", ("g/h/i",)]]) == ["a/b/c", "d/e/f", "g/h/i"]
    with pytest.raises(hb.UsageError, match="a scenario is a name"):
        _names([42])


def test_run_returns_a_result_from_a_real_run():
    result = hb.run("wsgi/none/sync", "asgi/none/async", debug_single_value=True)
    assert result.names == ["wsgi/none/sync", "asgi/none/async"]
    assert all(mean > 0 and math.isfinite(mean) for mean in result.mean.values())
    assert result.hops == {"wsgi/none/sync": 0, "asgi/none/async": 2}
    assert "asgi/none/async" in repr(result) and "<table" in result._repr_html_()


def test_run_measures_a_project_given_by_keywords():
    result = hb.run(**PROJECT, handler="asgi", debug_single_value=True)
    assert result.names == ["asgi/default/GET /api/items/"]
    assert result.hops == {"asgi/default/GET /api/items/": 17}


def test_a_failed_run_raises_its_one_line():
    with pytest.raises(hb.UsageError, match="unknown view 'nope'"):
        hb.run("asgi/none/nope")
    with pytest.raises(hb.HandlerbenchError, match=r"answered 404 Not Found \(no URL pattern"):
        hb.transitions(**{**PROJECT, "path": "/api/missing/"})


def test_transitions_returns_the_reports_by_name():
    reports = hb.transitions("asgi/default/sync", "asgi/default-fixed/sync")
    assert reports.hops == {"asgi/default/sync": 16, "asgi/default-fixed/sync": 6}
    report = reports["asgi/default/sync"]
    assert report.hops[1].name == "SecurityMiddleware.process_request"
    assert repr(reports).startswith("asgi/default/sync: 16 sync_to_async")
    with pytest.raises(KeyError, match="no scenario 'x'"):
        reports["x"]


def test_debug_on_is_a_python_warning():
    with pytest.warns(UserWarning, match="mysite.settings_debug has DEBUG = True"):
        hb.transitions(**{**PROJECT, "settings": "mysite.settings_debug"}, handler="wsgi")


def test_profile_returns_text_and_stats():
    profiled = hb.profile("wsgi/none/sync", requests=50, top=5)
    assert repr(profiled).startswith("wsgi/none/sync: 50 requests in ")
    names = {function for _file, _line, function in profiled.stats.stats}
    assert "hello_sync" in names


def test_load_reads_what_save_wrote(tmp_path):
    result = hb.run("wsgi/none/sync", debug_single_value=True)
    result.save(tmp_path / "saved.json")
    assert hb.load(tmp_path / "saved.json").mean == result.mean


def test_explain_returns_the_parts_and_they_save_and_load(tmp_path):
    explained = hb.explain("asgi/none/sync", budget=0.1, values=1, min_time=0.005)
    one = explained["asgi/none/sync"]
    assert [part.name for part in one.parts][:2] == [
        "Django's own work",
        "per-request context and its threads",
    ]
    assert math.isclose(one.sum + one.rest, one.total)
    assert repr(explained).startswith("asgi/none/sync (Django ")
    explained.save(tmp_path / "e.json")
    assert hb.Explanations.load(tmp_path / "e.json")[0].total == pytest.approx(one.total)
