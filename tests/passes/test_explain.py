"""explain (handlerbench.passes.explain): the parts are present and add up, the variants
measure what they claim, and the handler is put back. Times are never asserted; hop
counts and executors are exact."""

import importlib.util
import json
import math

import pytest

from handlerbench.compat import asgiref_version, release_tuple
from handlerbench.errors import UsageError
from handlerbench.handlers.scenario import Scenario
from handlerbench.handlers.target import scenario_target
from handlerbench.passes.counting import A2S, S2A, count_transitions
from handlerbench.passes.explain import Explanation, explanation, kinds_used, plan
from handlerbench.passes.explain.kinds import (
    CALLER,
    LOOP,
    NEW_LOOP,
    POOL,
    THREAD,
    is_signal_hop,
    kind_of,
)
from handlerbench.passes.explain.prices import hop_price_target
from handlerbench.passes.explain.variants import shared_context, shared_context_target
from handlerbench.render.explanation import format_explanation
from tests.helpers import ROOT, handlerbench


def asgiref_release():
    return release_tuple(asgiref_version())


def target(name):
    return scenario_target(Scenario.parse(name))


def test_hops_are_priced_by_their_kind_and_signal_hops_are_told_apart():
    assert kind_of(S2A, "per-request thread (ThreadSensitiveContext)") == THREAD
    assert kind_of(S2A, "process-wide single thread") == THREAD
    assert kind_of(S2A, "caller's sync thread") == CALLER
    assert kind_of(A2S, "the request's event loop") == LOOP
    assert kind_of(A2S, "a new event loop") == NEW_LOOP
    assert kind_of(S2A, "event loop's default executor") == POOL
    assert kind_of(S2A, "given executor") == THREAD
    assert is_signal_hop("request_started(reset_queries, close_old_connections)")
    assert is_signal_hop("request_started.send(reset_queries, close_old_connections)")
    assert is_signal_hop("JsonResponse.close")
    assert not is_signal_hop("SessionMiddleware.process_request")


def test_the_shared_context_is_put_back_even_after_an_error():
    import django.core.handlers.asgi as asgi_module

    original = asgi_module.ThreadSensitiveContext
    with pytest.raises(RuntimeError), shared_context():
        assert asgi_module.ThreadSensitiveContext is not original
        raise RuntimeError("boom")
    assert asgi_module.ThreadSensitiveContext is original


def test_the_shared_variant_makes_the_same_hops_on_one_process_wide_thread():
    normal = count_transitions(target("asgi/default/sync"))
    shared = count_transitions(shared_context_target(target("asgi/default/sync")))
    assert [h.name for h in shared.hops] == [h.name for h in normal.hops]
    assert {h.executor for h in shared.hops} == {"process-wide single thread"}
    assert shared.threads_started == 0 and normal.threads_started >= 1
    # Outside the variant, the handler is the real one again.
    again = count_transitions(target("asgi/default/sync"))
    assert again.threads_started == normal.threads_started


@pytest.mark.parametrize("kind", [THREAD, CALLER, POOL, LOOP, NEW_LOOP])
def test_each_price_times_round_trips_of_its_own_kind(kind):
    report = count_transitions(hop_price_target(kind), requests=1, warmups=0)
    kinds = [kind_of(h.direction, h.executor) for h in report.hops if h.name.endswith("noop")]
    # The untimed first round trip, then the timed one: both of the priced kind.
    assert kinds == [kind, kind]


def test_explain_refuses_a_wsgi_scenario():
    with pytest.raises(UsageError, match="explain takes ASGI scenarios"):
        plan(target("wsgi/none/sync"), target("wsgi/none/sync"))


def test_only_the_hop_kinds_the_requests_make_are_priced():
    scenario, twin = target("asgi/default/sync"), target("wsgi/none/async")
    kinds = kinds_used(count_transitions(scenario), count_transitions(twin))
    assert kinds == {THREAD, NEW_LOOP}
    made = plan(scenario, twin, kinds=kinds)
    assert set(made.prices) == {THREAD, NEW_LOOP}
    assert len(made.targets()) == 5 + 2
    # Side by side: the scenario with its shared variant, the handler alone with its twin's.
    assert [[t.name for t in group] for group in made.groups()[:2]] == [
        [made.scenario.name, made.shared.name],
        [made.handler.name, made.twin_handler.name],
    ]


def made_up(plan_, report, **changed):
    """Two rounds' mean times, made up: the total, twin, variant and prices in us."""
    prices = {THREAD: 50, CALLER: 40, LOOP: 60, POOL: 45, NEW_LOOP: 300}
    values = {
        plan_.scenario.name: 1800,
        plan_.twin.name: 80,
        plan_.shared.name: 1000,
        plan_.handler.name: 250,
        plan_.twin_handler.name: 30,
        **{plan_.prices[kind].name: us for kind, us in prices.items()},
    }
    values.update({getattr(plan_, key).name: us for key, us in changed.items()})
    return [{name: us * 1e-6 for name, us in values.items()}] * 2


def test_the_parts_and_the_rest_add_up_to_the_total():
    made = plan(target("asgi/default/sync"), target("wsgi/default/sync"))
    report = count_transitions(made.scenario)
    versions = "Django 5.2.19, asgiref 3.13.0, Python 3.12.1"
    explained = explanation(made, report, made_up(made, report), versions=versions)
    names = [part.name for part in explained.parts]
    assert names == [
        "Django's own work",
        "per-request context and its threads",
        "ASGI handler's own work",
        "middleware and view hops",
        "signal and close hops",
    ]
    # The handler alone under ASGI, minus WSGI's, minus its 2 signal and close hops.
    assert math.isclose(explained.part("ASGI handler's own work").seconds, (250 - 30 - 100) * 1e-6)
    assert math.isclose(explained.part("Django's own work").seconds, 80e-6)
    assert math.isclose(explained.part("per-request context and its threads").seconds, 800e-6)
    # 16 hops to the request's thread: 2 of them the signal's and close's.
    assert math.isclose(explained.part("middleware and view hops").seconds, 14 * 50e-6)
    assert math.isclose(explained.part("signal and close hops").seconds, 2 * 50e-6)
    assert math.isclose(explained.sum + explained.rest, explained.total)
    shares = [part.seconds / explained.total for part in explained.parts]
    assert math.isclose(sum(shares) + explained.rest / explained.total, 1.0)
    text = format_explanation(explained)
    assert text.startswith("asgi/default/sync (Django 5.2.19, asgiref 3.13.0, Python 3.12.1): ")
    assert "1,800.0 us per request" in text.splitlines()[0]
    assert "14 x sync_to_async to a sync thread at 50.0 us" in text
    again = Explanation.from_dict(json.loads(json.dumps(explained.to_dict())))
    assert format_explanation(again) == text and again.prices == pytest.approx(explained.prices)


def test_the_fix_saves_the_hops_it_removes_at_their_price():
    parts = {}
    for stack in ("default", "default-fixed"):
        made = plan(target(f"asgi/{stack}/sync"), target(f"wsgi/{stack}/sync"))
        report = count_transitions(made.scenario)
        parts[stack] = explanation(made, report, made_up(made, report))
    saved = (
        parts["default"].part("middleware and view hops").seconds
        - parts["default-fixed"].part("middleware and view hops").seconds
    )
    # 14 thread hops become 1 thread hop, 2 caller hops and 1 hop back to the
    # loop: the request's own loop (asgiref 3.8+), or a new one (asgiref 3.7).
    back = 60e-6 if asgiref_release() >= (3, 8) else 300e-6
    assert math.isclose(saved, 14 * 50e-6 - (50e-6 + 2 * 40e-6 + back))


def test_plot_draws_a_bar_per_scenario(tmp_path):
    pytest.importorskip("matplotlib")
    from handlerbench.render.plot import plot_explanations

    made = plan(target("asgi/none/sync"), target("wsgi/none/sync"))
    report = count_transitions(made.scenario)
    explained = explanation(made, report, made_up(made, report))
    chart = tmp_path / "parts.png"
    plot_explanations([explained, explained], str(chart))
    assert chart.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


# The first round's worker, then the budget is spent.
ONE_ROUND = ("--budget", "0.1", "--values", "1", "--min-time", "0.005")


def test_each_part_is_taken_per_round_with_a_t_interval_over_the_rounds():
    made = plan(target("asgi/none/sync"), target("wsgi/none/sync"))
    report = count_transitions(made.scenario)
    first, second = made_up(made, report)
    second = {**second, made.scenario.name: 2000e-6}  # 1800 us in the first round
    explained = explanation(made, report, [first, second])
    assert explained.rounds == 2
    assert math.isclose(explained.total, 1900e-6)
    # t(1 df) * sd / sqrt(2): sd of (1800, 2000) us is 141.4 us.
    assert explained.total_ci95 == pytest.approx(12.706 * 100e-6)
    context = explained.part("per-request context and its threads")
    assert context.seconds == pytest.approx(900e-6) and context.ci95 == pytest.approx(12.706e-4)
    assert explained.part("Django's own work").ci95 == 0.0
    one = explanation(made, report, [first])
    assert math.isnan(one.total_ci95) and one.to_dict()["total_ci95_us"] is None


def test_explain_measures_in_rounds_and_writes_the_parts(tmp_path):
    report_file = tmp_path / "explain.json"
    result = handlerbench(
        "explain", "asgi/none/sync", *ONE_ROUND, "--format", "json",
        "--report-file", str(report_file),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (explained,) = json.loads(report_file.read_text())
    assert explained["scenario"] == "asgi/none/sync"
    assert explained["parts"][0]["name"] == "Django's own work"
    assert math.isclose(explained["sum_us"] + explained["rest_us"], explained["total_us"])
    assert explained["hops"] == {
        "middleware and view: sync_to_async to a sync thread": 1,
        "signal and close: sync_to_async to a sync thread": 2,
    }


def test_explain_a_project_against_its_wsgi_twin(tmp_path):
    report_file = tmp_path / "explain.json"
    result = handlerbench(
        "explain", "--pythonpath", "tests/sample_project", "--settings", "mysite.settings",
        "--path", "/api/items/", *ONE_ROUND, "--format", "json",
        "--report-file", str(report_file),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (explained,) = json.loads(report_file.read_text())
    assert explained["scenario"] == "asgi/default/GET /api/items/"
    assert "wsgi/default/GET /api/items/" in explained["parts"][0]["how"]
    assert sum(explained["hops"].values()) == 17


@pytest.mark.parametrize(
    ("argv", "text"),
    [
        (["explain", "wsgi/none/sync"], "explain takes ASGI scenarios, not wsgi/none/sync"),
        (
            ["explain", "--app", "handlerbench.app.null:asgi", "--interface", "asgi"],
            "explain takes Django scenarios or --settings, not --app",
        ),
    ],
)
def test_explain_bad_input(argv, text):
    result = handlerbench(*argv)
    assert result.returncode == 2, result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"handlerbench: error: {text}")


def test_the_sample_project_exists():
    assert (ROOT / "tests" / "sample_project" / "mysite" / "settings.py").exists()


def test_saved_explanations_from_two_environments_show_side_by_side(tmp_path):
    made = plan(target("asgi/none/sync"), target("wsgi/none/sync"))
    report = count_transitions(made.scenario)
    explained = explanation(
        made, report, made_up(made, report), versions="Django 5.2, asgiref 3.13"
    )
    paths = []
    for versions in ("Django 4.2.30, asgiref 3.7.2, Python 3.10.13", explained.versions):
        explained.versions = versions
        path = tmp_path / f"{len(paths)}.json"
        path.write_text(json.dumps([explained.to_dict()]))
        paths.append(str(path))
    chart = tmp_path / "versions.png"
    argv = ["explain", "--saved", *paths, "--format", "md"]
    if importlib.util.find_spec("matplotlib"):
        argv += ["--plot", str(chart)]
    result = handlerbench(*argv)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("asgi/none/sync (Django ") == 2
    assert "| part | us/req | +- 95% | share | how it was measured |" in result.stdout
    assert "--plot" not in argv or chart.exists()
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    result = handlerbench("explain", "--saved", str(bad))
    assert result.returncode == 1 and "not a saved explanation" in result.stderr


def test_the_twins_own_hops_are_not_djangos_work():
    made = plan(target("asgi/none/async"), target("wsgi/none/async"))
    twin_report = count_transitions(made.twin)
    # Under WSGI an async view runs through one async_to_sync, on a new loop.
    assert [(h.direction, h.executor) for h in twin_report.hops] == [(A2S, "a new event loop")]
    report = count_transitions(made.scenario)
    explained = explanation(made, report, made_up(made, report, twin=380), twin_report)
    assert math.isclose(explained.part("Django's own work").seconds, 80e-6)
    assert "minus its own hops: 1 x async_to_sync to a new event loop at 300.0 us" in (
        explained.part("Django's own work").how
    )


def test_parts_beyond_the_total_are_flagged():
    made = plan(target("asgi/none/sync"), target("wsgi/none/sync"))
    report = count_transitions(made.scenario)
    # A twin dearer than the whole ASGI request: a part counts what is not paid.
    explained = explanation(made, report, made_up(made, report, twin=2000))
    assert explained.overshoots
    assert "warning: the parts exceed the measured total" in format_explanation(explained)


@pytest.mark.parametrize(
    ("argv", "names"),
    [
        ([], ["asgi/default/sync"]),
        (
            ["--stack", "none,default"],
            ["asgi/none/sync", "asgi/none/async", "asgi/default/sync", "asgi/default/async"],
        ),
        (["asgi/none/async"], ["asgi/none/async"]),
    ],
)
def test_what_explain_explains_by_default(argv, names):
    from handlerbench.cli.commands.explain import explained_targets
    from handlerbench.cli.commands.explain import options_parser as explain_options_parser

    pairs = explained_targets(explain_options_parser().parse_args(argv))
    assert [a.name for a, _twin in pairs] == names
    assert [twin.name for _a, twin in pairs] == [n.replace("asgi/", "wsgi/") for n in names]


@pytest.mark.parametrize("handler", ["wsgi", "asgi"])
def test_the_handler_only_variant_skips_middleware_and_view_and_touches_one_handler(handler):
    from handlerbench.passes.explain.variants import handler_only_target

    alone = count_transitions(handler_only_target(target(f"{handler}/default/sync"), True))
    names = [hop.name for hop in alone.hops]
    assert not any("Middleware" in name or "hello" in name for name in names)
    if handler == "asgi":
        # Only the signal's and close's hops are left, on the shared thread.
        assert len(names) == 2 and all(is_signal_hop(name) for name in names)
        assert {hop.executor for hop in alone.hops} == {"process-wide single thread"}
    # A handler built afterwards is whole again.
    again = count_transitions(target(f"{handler}/default/sync"))
    assert len(again.hops) == (16 if handler == "asgi" else 0)


def test_fast_keeps_a_budget_given_with_it(tmp_path):
    report_file = tmp_path / "explain.json"
    result = handlerbench(
        "explain", "asgi/none/sync", "--fast", *ONE_ROUND, "--format", "json",
        "--report-file", str(report_file),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    (explained,) = json.loads(report_file.read_text())
    assert explained["rounds"] == 1  # --budget 0.1, not --fast's 60 s
