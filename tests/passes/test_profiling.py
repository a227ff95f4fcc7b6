import cProfile
import pstats
import sys
import threading

import pytest

from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.handlers.scenario import Scenario
from handlerbench.handlers.target import scenario_target
from handlerbench.passes.profiling import ProfileResult, profile_target
from handlerbench.render.profile import format_profile

NEEDS_PYINSTRUMENT = (
    "--profiler pyinstrument needs pyinstrument: pip install 'handlerbench[profile]'"
)


def target(name="wsgi/none/sync"):
    return scenario_target(Scenario.parse(name))


def functions_named(stats: pstats.Stats, name: str) -> list[tuple]:
    return [key for key in stats.stats if key[2] == name]


@pytest.fixture(scope="module")
def wsgi_profile() -> ProfileResult:
    return profile_target(target("wsgi/none/sync"), requests=50)


@pytest.mark.parametrize("name", ["wsgi/none/sync", "asgi/none/sync"])
def test_cprofile_sees_the_view(name):
    # Under ASGI hello_sync runs in an executor thread: on 3.10/3.11 this is
    # what proves the per-thread profilers are merged in.
    result = profile_target(target(name), requests=50)
    assert (result.name, result.profiler, result.requests) == (name, "cprofile", 50)
    assert result.seconds > 0
    (view,) = functions_named(result.stats, "hello_sync")
    assert result.stats.stats[view][1] == 50  # called once per profiled request
    text = format_profile(result, top=1000)  # under ASGI the view is far from the top 25
    assert text.startswith(f"{name}: 50 requests in ")
    assert "under cProfile" in text.splitlines()[0]
    assert "hello_sync" in text


def test_nothing_is_left_profiling(wsgi_profile):
    profile_target(target("asgi/none/sync"), requests=5)
    assert sys.getprofile() is None
    if sys.version_info < (3, 12):
        assert threading.getprofile() is None
    else:
        fresh = cProfile.Profile()
        fresh.enable()  # ValueError if a profiler were still registered
        fresh.disable()


def test_format_sorts_and_limits(wsgi_profile):
    text = format_profile(wsgi_profile, top=3, sort="tottime")
    assert "Ordered by: internal time" in text
    assert "restriction <3>" in text
    assert "views.py:27(hello_sync)" in format_profile(
        wsgi_profile, top=100
    )  # directories stripped
    assert functions_named(wsgi_profile.stats, "hello_sync")[0][0].endswith("/views.py")  # kept


def test_unknown_sort_key_is_a_usage_error(wsgi_profile):
    with pytest.raises(UsageError, match=r"unknown sort key 'fastest'.*cumulative"):
        format_profile(wsgi_profile, sort="fastest")


def test_dump_writes_a_pstats_file(wsgi_profile, tmp_path):
    path = tmp_path / "wsgi.pstats"
    wsgi_profile.dump(str(path))
    assert functions_named(pstats.Stats(str(path)), "hello_sync")


def test_dump_into_a_missing_directory_is_one_line(wsgi_profile, tmp_path):
    path = tmp_path / "missing" / "wsgi.pstats"
    with pytest.raises(HandlerbenchError, match=f"{path}: cannot write it \\(No such file"):
        wsgi_profile.dump(str(path))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"requests": 0}, "requests must be at least 1"),
        (
            {"profiler": "yappi"},
            "unknown profiler 'yappi' \\(choose from cprofile, pyinstrument\\)",
        ),
    ],
)
def test_bad_arguments_are_usage_errors(kwargs, message):
    with pytest.raises(UsageError, match=message):
        profile_target(target(), **kwargs)


@pytest.mark.skipif(sys.version_info < (3, 12), reason="sys.monitoring refuses a second tool")
def test_another_active_profiler_is_one_line():
    other = cProfile.Profile()
    other.enable()
    try:
        with pytest.raises(HandlerbenchError, match="cannot start cProfile"):
            profile_target(target(), requests=5)
    finally:
        other.disable()


def test_pyinstrument_missing_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyinstrument", None)
    with pytest.raises(HandlerbenchError) as raised:
        profile_target(target(), profiler="pyinstrument")
    assert str(raised.value) == NEEDS_PYINSTRUMENT


def test_pyinstrument_profiles_the_view():
    pytest.importorskip("pyinstrument")
    # It samples every millisecond: enough requests for the view to be sampled.
    result = profile_target(target(), requests=2000, profiler="pyinstrument")
    assert result.stats is None
    text = format_profile(result)
    assert "under pyinstrument" in text.splitlines()[0]
    assert "hello_sync" in text
    with pytest.raises(HandlerbenchError, match="use --profiler cprofile"):
        result.dump("unused.pstats")
