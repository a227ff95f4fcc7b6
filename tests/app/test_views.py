"""Every built-in view answers its expected status and body under both handlers.

The checked request (``check_django``) compares status and the whole body,
so a stream cut short or a skipped computation fails here.
"""

import re

import pytest

from handlerbench.app.endpoints import VIEWS, ViewOptions
from handlerbench.errors import HandlerbenchError
from handlerbench.handlers.scenario import Scenario, matrix
from handlerbench.handlers.target import scenario_target

# Small knobs: the tests check behaviour, not cost.
OPTIONS = ViewOptions(delay_ms=0.2, work=500, body_size=300)


@pytest.mark.parametrize(
    "scenario", matrix(stack_names=("none", "default", "default-fixed"), views=VIEWS), ids=str
)
def test_every_view_answers_as_expected(scenario, drivers_to_close):
    driver = scenario_target(scenario, OPTIONS).build()
    drivers_to_close.append(driver)
    assert driver.expected_status == 200
    # Timed requests are held to the same status, every one of them.
    assert driver.time(3) > 0


@pytest.mark.parametrize("handler", ["wsgi", "asgi"])
@pytest.mark.parametrize("view", ["stream-sync", "stream-async"])
def test_streams_are_consumed_to_the_end(handler, view, drivers_to_close):
    from handlerbench.app.endpoints import STREAM_CHUNKS

    driver = scenario_target(Scenario(handler, "default", view)).build()
    drivers_to_close.append(driver)
    response = driver.request()
    assert response.body == b"".join(STREAM_CHUNKS)
    assert len(STREAM_CHUNKS) > 1


@pytest.mark.parametrize("handler", ["wsgi", "asgi"])
def test_post_without_its_csrf_token_is_refused_by_the_default_stack(handler):
    from dataclasses import replace

    from handlerbench.app import endpoints

    real = endpoints.endpoint("post")
    forged = replace(real, request=replace(real.request, headers=real.request.headers[:-1]))
    original = endpoints.VIEWS["post"]
    endpoints.VIEWS["post"] = (original[0], lambda options: forged)
    try:
        with pytest.raises(
            HandlerbenchError,
            match=re.escape("answered 403 Forbidden (Forbidden (CSRF cookie not set.): /post/)"),
        ):
            scenario_target(Scenario(handler, "default", "post")).build()
    finally:
        endpoints.VIEWS["post"] = original
