"""The db views' database: a migrated, seeded temporary file the views leave as they found it."""

import os

import pytest
from django.conf import settings

from handlerbench.app import database
from handlerbench.app.endpoints import SEED_POSTS
from handlerbench.scenario import Scenario
from handlerbench.targets import scenario_target


def test_the_database_is_a_temporary_file():
    name = settings.DATABASES["default"]["NAME"]
    assert os.path.basename(os.path.dirname(name)).startswith("handlerbench-")


def test_prepare_migrates_and_seeds_once():
    database.prepare()
    database.prepare()
    rows, pages = database.table_state()
    assert rows == SEED_POSTS
    assert pages > 0


@pytest.mark.parametrize("handler", ["wsgi", "asgi"])
@pytest.mark.parametrize("view", ["db-sync", "db-async"])
def test_db_views_leave_the_database_as_they_found_it(handler, view, drivers_to_close):
    driver = scenario_target(Scenario(handler, "default", view)).build()
    drivers_to_close.append(driver)
    before = database.table_state()
    driver.time(200)
    assert database.table_state() == before
