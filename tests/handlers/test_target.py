import pytest

from handlerbench.errors import HandlerbenchError, UsageError
from handlerbench.handlers.scenario import Scenario
from handlerbench.handlers.target import app_target, load_callable, scenario_target, versions
from tests import sample_apps


def test_versions_name_django_and_asgiref():
    import asgiref
    import django

    recorded = versions()
    assert recorded["django_version"] == django.__version__
    assert recorded["asgiref_version"] == asgiref.__version__


def test_scenario_target_metadata_has_versions_and_axes():
    target = scenario_target(Scenario.parse("asgi/default/async"))
    assert target.name == "asgi/default/async"
    assert {"django_version", "asgiref_version", "handler", "stack", "view"} <= set(target.metadata)
    assert (target.metadata["handler"], target.metadata["stack"]) == ("asgi", "default")


@pytest.mark.parametrize("name", ["wsgi/none/sync", "asgi/default/async"])
def test_scenario_target_builds_a_checked_driver(name):
    driver = scenario_target(Scenario.parse(name)).build()
    try:
        assert driver.expected_status == 200
        assert driver.name == name
        assert driver.time(3) > 0
    finally:
        driver.close()


def test_app_target_checks_the_status_only():
    target = app_target("tests.sample_apps:wsgi_not_found", "wsgi")
    assert target.name == "wsgi/app/tests.sample_apps:wsgi_not_found"
    assert target.metadata["app"] == "tests.sample_apps:wsgi_not_found"
    with pytest.raises(HandlerbenchError, match="answered 404 Not Found"):
        target.build()


def test_app_target_builds_the_null_apps():
    for interface in ("wsgi", "asgi"):
        driver = app_target(f"handlerbench.app.null:{interface}", interface).build()
        try:
            assert driver.expected_status == 200
        finally:
            driver.close()


def test_load_callable_finds_nested_attributes():
    assert load_callable("tests.sample_apps:wsgi_raises") is sample_apps.wsgi_raises


@pytest.mark.parametrize(
    ("spec", "error", "message"),
    [
        ("tests.sample_apps", UsageError, "not of the form MODULE:CALLABLE"),
        (":app", UsageError, "not of the form MODULE:CALLABLE"),
        ("no_such_module_here:app", HandlerbenchError, "cannot import no_such_module_here"),
        ("tests.sample_apps:missing", HandlerbenchError, "tests.sample_apps has no missing"),
        ("tests.sample_apps:NOT_AN_APP", HandlerbenchError, "NOT_AN_APP is not callable"),
    ],
)
def test_load_callable_errors_are_one_line(spec, error, message):
    with pytest.raises(error, match=message) as info:
        load_callable(spec)
    assert "\n" not in str(info.value)


def test_unknown_interface_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown interface 'http'"):
        app_target("handlerbench.app.null:wsgi", "http")
