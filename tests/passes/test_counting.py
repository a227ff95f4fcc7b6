"""Exact counts and names of every hop the built-in scenarios make, on the installed versions."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import AsyncToSync, SyncToAsync
from django.core.handlers.base import BaseHandler

from handlerbench.compat import asgi_threads_per_request, request_started_hop
from handlerbench.handlers.scenario import HANDLERS, Scenario, matrix
from handlerbench.handlers.target import app_target, scenario_target
from handlerbench.passes.counting import count_transitions, is_instrumented
from handlerbench.passes.counting.naming import callable_name
from handlerbench.passes.counting.patches import instrumented
from handlerbench.passes.counting.recorder import Recorder
from handlerbench.passes.timing import LazyTimer
from handlerbench.render.transitions import format_report

# The version differences live in handlerbench.compat, named.
ASGI_THREADS = asgi_threads_per_request()
REQUEST_STARTED = request_started_hop()
HOOKS = ["Security", "Session", "Common", "CsrfView", "Authentication", "Message"]
DEFAULT_BEFORE_VIEW = [f"{m}Middleware.process_request" for m in HOOKS] + [
    "CsrfViewMiddleware.process_view"
]
DEFAULT_AFTER_VIEW = [
    f"{m}Middleware.process_response"
    for m in ["XFrameOptions", "Message", "CsrfView", "Common", "Session", "Security"]
]

EXPECTED_HOPS = {
    "wsgi/none/sync": [],
    "wsgi/none/async": [("async_to_sync", "hello_async")],
    "wsgi/default/sync": [],
    "wsgi/default/async": [("async_to_sync", "hello_async")],
    "asgi/none/sync": [
        ("sync_to_async", n) for n in [REQUEST_STARTED, "hello_sync", "HttpResponse.close"]
    ],
    "asgi/none/async": [("sync_to_async", n) for n in [REQUEST_STARTED, "HttpResponse.close"]],
    "asgi/default/sync": [
        ("sync_to_async", n)
        for n in [
            REQUEST_STARTED,
            *DEFAULT_BEFORE_VIEW,
            "hello_sync",
            *DEFAULT_AFTER_VIEW,
            "HttpResponse.close",
        ]
    ],
    "asgi/default/async": [
        ("sync_to_async", n)
        for n in [REQUEST_STARTED, *DEFAULT_BEFORE_VIEW, *DEFAULT_AFTER_VIEW, "HttpResponse.close"]
    ],
    # The #37177 fix: the sync block is entered once (the top wrapper, named
    # after the outermost middleware) and left once, into the async handler.
    "wsgi/default-fixed/sync": [],
    "wsgi/default-fixed/async": [("async_to_sync", "hello_async")],
    "asgi/default-fixed/sync": [
        ("sync_to_async", REQUEST_STARTED),
        ("sync_to_async", "SecurityMiddleware.__call__"),
        ("async_to_sync", "ASGIHandler._get_response_async"),
        ("sync_to_async", "CsrfViewMiddleware.process_view"),
        ("sync_to_async", "hello_sync"),
        ("sync_to_async", "HttpResponse.close"),
    ],
    "asgi/default-fixed/async": [
        ("sync_to_async", REQUEST_STARTED),
        ("sync_to_async", "SecurityMiddleware.__call__"),
        ("async_to_sync", "ASGIHandler._get_response_async"),
        ("sync_to_async", "CsrfViewMiddleware.process_view"),
        ("sync_to_async", "HttpResponse.close"),
    ],
    "wsgi/sync-only/sync": [],
    "wsgi/sync-only/async": [("async_to_sync", "hello_async")],
    "asgi/sync-only/sync": [
        ("sync_to_async", REQUEST_STARTED),
        ("sync_to_async", "SyncPassThrough.__call__"),
        ("async_to_sync", "ASGIHandler._get_response_async"),
        ("sync_to_async", "hello_sync"),
        ("sync_to_async", "HttpResponse.close"),
    ],
    "asgi/sync-only/async": [
        ("sync_to_async", REQUEST_STARTED),
        ("sync_to_async", "SyncPassThrough.__call__"),
        ("async_to_sync", "ASGIHandler._get_response_async"),
        ("sync_to_async", "HttpResponse.close"),
    ],
    # Native async middleware: no hop of their own under ASGI; under WSGI the
    # async chain is entered once and the sync handler inside it once.
    "wsgi/async-native/sync": [
        ("async_to_sync", "AsyncPassThrough.__call__"),
        ("sync_to_async", "WSGIHandler._get_response"),
    ],
    "wsgi/async-native/async": [
        ("async_to_sync", "AsyncPassThrough.__call__"),
        ("sync_to_async", "WSGIHandler._get_response"),
        ("async_to_sync", "hello_async"),
    ],
    "asgi/async-native/sync": [
        ("sync_to_async", n) for n in [REQUEST_STARTED, "hello_sync", "HttpResponse.close"]
    ],
    "asgi/async-native/async": [
        ("sync_to_async", n) for n in [REQUEST_STARTED, "HttpResponse.close"]
    ],
}
HELLO_STACKS = ["none", "default", "default-fixed", "sync-only", "async-native"]


def report_for(name, **kwargs):
    return count_transitions(scenario_target(Scenario.parse(name)), **kwargs)


def test_every_hello_world_scenario_of_a_named_stack_has_an_expectation():
    assert set(EXPECTED_HOPS) == {s.name for s in matrix(HANDLERS, HELLO_STACKS)}


def test_the_fix_saves_ten_hops_on_a_sync_view_and_changes_nothing_after():
    """#37177: 16 hops become 6; a default handler built afterwards still makes 16."""
    default = report_for("asgi/default/sync")
    fixed = report_for("asgi/default-fixed/sync")
    again = report_for("asgi/default/sync")
    assert (default.sync_to_async, default.async_to_sync) == (16, 0)
    assert (fixed.sync_to_async, fixed.async_to_sync) == (5, 1)
    assert again.to_dict()["hops"] == default.to_dict()["hops"]
    assert [a.name for a in again.adaptations] == [a.name for a in default.adaptations]


@pytest.mark.parametrize(
    ("stack", "hops"),
    [
        ("each:SecurityMiddleware", 2),
        ("each:SessionMiddleware", 2),
        ("each:CommonMiddleware", 2),
        ("each:CsrfViewMiddleware", 3),
        ("each:AuthenticationMiddleware", 3),
        ("each:MessageMiddleware", 4),
        ("each:XFrameOptionsMiddleware", 1),
    ],
)
def test_each_default_middleware_alone_adds_one_hop_per_sync_hook(stack, hops):
    # asgi/none/sync makes 3; Authentication and Message bring SessionMiddleware's 2.
    report = report_for(f"asgi/{stack}/sync")
    assert report.sync_to_async == 3 + hops
    assert report.async_to_sync == 0


@pytest.mark.parametrize("name", sorted(EXPECTED_HOPS))
def test_exact_hops_by_name(name):
    report = report_for(name)
    assert report.consistent
    assert [(h.direction, h.name) for h in report.hops] == EXPECTED_HOPS[name]
    assert report.sync_to_async == sum(d == "sync_to_async" for d, _ in EXPECTED_HOPS[name])
    assert report.async_to_sync == sum(d == "async_to_sync" for d, _ in EXPECTED_HOPS[name])


def test_asgi_hops_run_on_the_per_request_thread():
    report = report_for("asgi/default/sync")
    assert report.sync_to_async == report.thread_sensitive == 16
    assert {h.executor for h in report.hops} == {"per-request thread (ThreadSensitiveContext)"}
    assert report.threads_started == ASGI_THREADS
    assert report.executors_created == 1
    assert report.record.executors == ["asgiref.sync:SyncToAsync.__call__"]


def test_wsgi_async_view_runs_on_a_new_loop_in_a_new_thread():
    report = report_for("wsgi/none/async")
    (hop,) = report.hops
    assert (hop.executor, hop.thread_sensitive) == ("a new event loop", None)
    assert report.threads_started == 1 and report.executors_created == 1


def test_wsgi_sync_makes_no_hop_and_starts_no_thread():
    report = report_for("wsgi/none/sync")
    assert report.to_dict()["hops"] == []
    assert (report.threads_started, report.executors_created) == (0, 0)


def test_load_time_adaptations_are_reported_apart_from_hops():
    assert [(a.direction, a.name) for a in report_for("asgi/default/sync").adaptations] == [
        ("sync_to_async", "CsrfViewMiddleware.process_view")
    ]
    assert report_for("wsgi/default/sync").adaptations == []
    assert report_for("asgi/none/sync").adaptations == []


def test_totals_are_identical_over_five_passes():
    # The hops are exact; the counters nearly repeat (tests/passes/test_counters.py).
    first = report_for("asgi/default/sync", counters=False).to_dict()
    for _ in range(4):
        assert report_for("asgi/default/sync", counters=False).to_dict() == first


@pytest.mark.parametrize("name", ["asgi/default/sync", "asgi/none/async", "wsgi/default/async"])
def test_totals_agree_with_an_independent_patch(name):
    """A plain patch of the two __call__ methods, written here, sees the same numbers."""
    report = report_for(name, requests=2)
    driver = scenario_target(Scenario.parse(name)).build()
    seen = {"s2a": 0, "a2s": 0}
    s2a_call, a2s_call = SyncToAsync.__call__, AsyncToSync.__call__

    async def counting_s2a(self, *args, **kwargs):
        seen["s2a"] += 1
        return await s2a_call(self, *args, **kwargs)

    def counting_a2s(self, *args, **kwargs):
        seen["a2s"] += 1
        return a2s_call(self, *args, **kwargs)

    SyncToAsync.__call__, AsyncToSync.__call__ = counting_s2a, counting_a2s
    try:
        driver.request()
        driver.request()
    finally:
        SyncToAsync.__call__, AsyncToSync.__call__ = s2a_call, a2s_call
        driver.close()
    assert seen == {"s2a": 2 * report.sync_to_async, "a2s": 2 * report.async_to_sync}


def test_patches_are_removed_leaving_everything_as_it_was():
    owners = [SyncToAsync, AsyncToSync, ThreadPoolExecutor, threading.Thread, BaseHandler]
    before = [dict(vars(owner)) for owner in owners]
    report_for("asgi/default/sync")
    assert [dict(vars(owner)) for owner in owners] == before
    assert not is_instrumented()


def test_patches_are_removed_when_the_check_fails():
    with pytest.raises(Exception, match="404"):
        count_transitions(app_target("tests.sample_apps:asgi_not_found", "asgi"))
    assert not is_instrumented()


def test_the_timing_pass_refuses_to_run_while_instrumented():
    timer = LazyTimer(scenario_target(Scenario.parse("wsgi/none/sync")))
    with instrumented(Recorder()):
        assert is_instrumented()
        with pytest.raises(RuntimeError, match="timing while counting patches are installed"):
            timer(1)
    assert not is_instrumented()
    assert timer(1) > 0
    timer.driver.close()


def test_a_counting_pass_cannot_nest():
    with instrumented(Recorder()), pytest.raises(RuntimeError, match="already running"):
        report_for("wsgi/none/sync")


def test_metadata_carries_the_counts():
    metadata = report_for("asgi/none/sync").metadata()
    assert metadata["sync_to_async"] == 3
    assert metadata["async_to_sync"] == 0
    assert metadata["threads_started"] == ASGI_THREADS
    assert metadata["hop_list"] == f"s2a {REQUEST_STARTED}; s2a hello_sync; s2a HttpResponse.close"
    assert "hop_list" not in report_for("wsgi/none/sync").metadata()


def test_text_report_lists_every_hop_in_order():
    text = format_report(report_for("asgi/default/sync"))
    assert text.splitlines()[0].startswith("asgi/default/sync: 16 sync_to_async, 0 async_to_sync")
    assert text.index("SecurityMiddleware.process_request") < text.index("hello_sync")
    assert "CsrfViewMiddleware.process_view" in text.split("per request, in order")[0]


def test_callable_names():
    from django.contrib.sessions.middleware import SessionMiddleware
    from django.http import HttpResponse

    middleware = SessionMiddleware(lambda request: None)
    assert callable_name(middleware.process_request) == "SessionMiddleware.process_request"
    assert callable_name(HttpResponse().close) == "HttpResponse.close"
    assert callable_name(middleware) == "SessionMiddleware.__call__"
    import functools

    assert callable_name(functools.partial(test_callable_names)) == "test_callable_names"


def test_a_class_based_view_is_named_by_its_class():
    from django.views import View

    class ItemsView(View):
        def get(self, request):
            return None

    assert callable_name(ItemsView.as_view()).endswith("ItemsView.as_view()")
