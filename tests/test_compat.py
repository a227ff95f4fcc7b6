import asyncio
import contextvars

import pytest

from handlerbench.compat import (
    asgiref_version,
    create_task_in_fresh_context,
    django_asgiref_mismatch,
    django_version,
)

VAR = contextvars.ContextVar("var", default="unset")


def test_task_starts_in_an_empty_context():
    async def read():
        return VAR.get(), len(contextvars.copy_context())

    async def outer():
        VAR.set("outer")
        return await create_task_in_fresh_context(asyncio.get_running_loop(), read())

    assert asyncio.run(outer()) == ("unset", 0)


def test_versions_are_strings():
    assert django_version().count(".") >= 1
    assert asgiref_version().count(".") >= 1


@pytest.mark.parametrize(
    ("requirements", "asgiref", "mismatch"),
    [
        (["asgiref<4,>=3.6.0", "sqlparse>=0.3.1"], "3.7.2", False),
        (["asgiref<4,>=3.6.0"], "4.0", True),
        (["asgiref>=3.8.1"], "3.8.1", False),
        (["asgiref>=3.8.1"], "3.7.2", True),
        (["asgiref>=3.9.1", "tzdata; sys_platform == 'win32'"], "3.13.0", False),
        (["asgiref (>=3.9.1)"], "3.9.0", True),
        (["sqlparse>=0.3.1"], "1.0", False),
    ],
)
def test_django_asgiref_mismatch_follows_djangos_own_requirement(requirements, asgiref, mismatch):
    found = django_asgiref_mismatch(requirements, asgiref)
    assert (found is not None) == mismatch
    if mismatch:
        assert f"but asgiref {asgiref} is installed (pip install 'asgiref" in found


def test_the_installed_pair_matches():
    assert django_asgiref_mismatch() is None


def _workload():
    """Python function starts of this module: itself, f twice, g and the coroutine once
    each, however often g and the coroutine are resumed."""

    def f():
        return 1

    def g():
        yield 1
        yield 2
        yield 3

    async def coroutine():
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        return f()

    f()
    sum(g())
    asyncio.run(coroutine())


def _starts_by_profile_hook():
    import sys
    import threading

    from handlerbench.compat import is_function_start

    starts = []

    def hook(frame, event, arg):
        if event == "call" and frame.f_code.co_filename == __file__ and is_function_start(frame):
            starts.append(frame.f_code.co_name)

    # asyncio.run's loop runs the coroutine on this thread.
    sys.setprofile(hook)
    try:
        _workload()
    finally:
        sys.setprofile(None)
    assert threading.getprofile() is None
    return sorted(starts)


def test_a_profile_hook_counts_starts_not_resumptions():
    assert _starts_by_profile_hook() == ["_workload", "coroutine", "f", "f", "g"]


@pytest.mark.skipif(not hasattr(__import__("sys"), "monitoring"), reason="Python 3.12+")
def test_the_profile_hook_counts_what_sys_monitoring_counts():
    import sys

    monitoring = sys.monitoring
    starts = []

    def started(code, offset):
        if code.co_filename == __file__:
            starts.append(code.co_name)

    tool = 4
    monitoring.use_tool_id(tool, "handlerbench-test")
    monitoring.register_callback(tool, monitoring.events.PY_START, started)
    monitoring.set_events(tool, monitoring.events.PY_START)
    try:
        _workload()
    finally:
        monitoring.set_events(tool, 0)
        monitoring.register_callback(tool, monitoring.events.PY_START, None)
        monitoring.free_tool_id(tool)
    assert sorted(starts) == _starts_by_profile_hook()
