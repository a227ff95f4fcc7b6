"""The checked request refuses error pages, with one clear line naming the scenario."""

import pytest
from django.core.signals import request_finished
from django.test import override_settings

from handlerbench.app import build_handler
from handlerbench.drive import make_driver
from handlerbench.errors import HandlerbenchError
from handlerbench.handlers.check import check_app, check_django
from handlerbench.wire.request import RequestSpec
from tests import sample_apps

HANDLERS = ["wsgi", "asgi"]


def django_driver(handler, path, drivers_to_close):
    driver = make_driver(
        handler, build_handler(handler, "default"), RequestSpec(path=path), f"{handler}/x/y"
    )
    drivers_to_close.append(driver)
    return driver


def refused(check, driver, *args):
    with pytest.raises(HandlerbenchError) as info:
        check(driver, *args)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(driver.name + ": ")
    assert driver.expected_status is None
    return message


@pytest.mark.parametrize("handler", HANDLERS)
def test_a_correct_answer_passes_and_arms_the_timer(handler, drivers_to_close):
    driver = django_driver(handler, "/sync/", drivers_to_close)
    response = check_django(driver, 200, b"Hello, World!")
    assert response.status == 200
    assert driver.expected_status == 200


@pytest.mark.parametrize("handler", HANDLERS)
def test_a_404_is_refused(handler, drivers_to_close):
    driver = django_driver(handler, "/missing/", drivers_to_close)
    message = refused(check_django, driver, 200, b"Hello, World!")
    assert "GET /missing/ answered 404 Not Found (no URL pattern matches /missing/), " in message
    assert message.endswith("expected 200; refusing to time an error")


@pytest.mark.parametrize("handler", HANDLERS)
@override_settings(ROOT_URLCONF="tests.sample_apps")
def test_a_view_answering_404_is_told_apart_from_an_unmatched_path(handler, drivers_to_close):
    driver = django_driver(handler, "/not-here/", drivers_to_close)
    message = refused(check_django, driver, None)
    assert "answered 404 Not Found (a URL pattern matches; the view answered 404)" in message


@pytest.mark.parametrize("handler", HANDLERS)
@override_settings(ROOT_URLCONF="tests.sample_apps")
def test_a_redirect_names_its_target_and_how_to_time_it(handler, drivers_to_close):
    driver = django_driver(handler, "/redirects/", drivers_to_close)
    message = refused(check_django, driver, None)
    assert "answered 302 Found (a redirect to /sync/), expected a 2xx status" in message
    assert message.endswith(
        "refusing to time an answer not asked for; --expect-status 302 times it anyway"
    )
    # Expected, it is timed.
    assert check_django(driver, 302).status == 302


@pytest.mark.parametrize("handler", HANDLERS)
def test_a_disallowed_host_names_what_django_logged(handler, drivers_to_close):
    spec = RequestSpec(path="/sync/", headers=(("host", "evil.example"),))
    driver = make_driver(handler, build_handler(handler, "default"), spec, f"{handler}/x/y")
    drivers_to_close.append(driver)
    message = refused(check_django, driver, None)
    assert "answered 400 Bad Request (Invalid HTTP_HOST header: 'evil.example'." in message


@pytest.mark.parametrize("handler", HANDLERS)
@override_settings(ROOT_URLCONF="tests.sample_apps", DEBUG=True)
def test_django_logs_nothing_of_a_checked_error_and_its_loggers_are_restored(
    handler, drivers_to_close, capsys
):
    import logging

    request_logger = logging.getLogger("django.request")
    before = (request_logger.handlers, request_logger.propagate, request_logger.level)
    driver = django_driver(handler, "/raises/", drivers_to_close)
    refused(check_django, driver, 200, None)
    assert "Traceback" not in capsys.readouterr().err
    assert (request_logger.handlers, request_logger.propagate, request_logger.level) == before


@pytest.mark.parametrize("handler", HANDLERS)
@override_settings(ROOT_URLCONF="tests.sample_apps")
def test_a_500_is_refused(handler, drivers_to_close):
    driver = django_driver(handler, "/server-error/", drivers_to_close)
    message = refused(check_django, driver, 200, None)
    assert "answered 500 Internal Server Error, expected 200" in message


@pytest.mark.parametrize("handler", HANDLERS)
def test_any_2xx_passes_when_no_status_is_given(handler, drivers_to_close):
    driver = django_driver(handler, "/sync/", drivers_to_close)
    assert check_django(driver, None).status == 200
    assert driver.expected_status == 200


@pytest.mark.parametrize("handler", HANDLERS)
@override_settings(ROOT_URLCONF="tests.sample_apps")
def test_a_raising_view_is_refused_and_named(handler, drivers_to_close):
    driver = django_driver(handler, "/raises/", drivers_to_close)
    message = refused(check_django, driver, 200, None)
    assert "answered 500 Internal Server Error" in message
    assert "the view raised ZeroDivisionError: the view divided by zero" in message


@pytest.mark.parametrize("handler", HANDLERS)
@override_settings(ROOT_URLCONF="tests.sample_apps")
def test_a_wrong_body_is_refused(handler, drivers_to_close):
    driver = django_driver(handler, "/sync/", drivers_to_close)
    message = refused(check_django, driver, 200, b"Hello, World!")
    assert "answered b'Goodbye', expected b'Hello, World!'" in message


@pytest.mark.parametrize("handler", HANDLERS)
def test_a_request_finished_fired_twice_is_refused(handler, drivers_to_close):
    def again(sender, **kwargs):
        request_finished.disconnect(again)
        request_finished.send(sender=sender)

    driver = django_driver(handler, "/sync/", drivers_to_close)
    request_finished.connect(again, weak=False)
    try:
        message = refused(check_django, driver, 200, b"Hello, World!")
    finally:
        request_finished.disconnect(again)
    assert "request_finished fired 2 times in one request, expected once" in message


@pytest.mark.parametrize(
    ("interface", "app", "expected"),
    [
        ("wsgi", sample_apps.wsgi_not_found, "answered 404 Not Found, expected a 2xx status"),
        ("asgi", sample_apps.asgi_not_found, "answered 404 Not Found, expected a 2xx status"),
        ("wsgi", sample_apps.wsgi_raises, "GET / raised ValueError: broken app"),
        ("asgi", sample_apps.asgi_no_response, "the app returned without sending a response"),
    ],
)
def test_any_app_must_answer_2xx(interface, app, expected, drivers_to_close):
    driver = make_driver(interface, app, RequestSpec(), f"{interface}/app/sample")
    drivers_to_close.append(driver)
    assert expected in refused(check_app, driver)


def test_any_app_can_be_held_to_an_exact_status(drivers_to_close):
    driver = make_driver("wsgi", sample_apps.wsgi_not_found, RequestSpec(), "wsgi/app/sample")
    assert check_app(driver, 404).status == 404
    assert driver.expected_status == 404
