"""The db views' database: a migrated, seeded temporary file the views leave as they found it."""

import os

import pytest
from django.conf import settings

from handlerbench.app import database
from handlerbench.app.endpoints import SEED_POSTS
from handlerbench.handlers.scenario import Scenario
from handlerbench.handlers.target import scenario_target
from tests.helpers import run


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


def test_the_directory_exists_only_for_db_views_and_is_removed_at_exit():
    script = (
        "import os, sys\n"
        "from handlerbench.app import configure; configure()\n"
        "from django.conf import settings\n"
        "from handlerbench.handlers.scenario import Scenario\n"
        "from handlerbench.handlers.target import scenario_target\n"
        "directory = os.path.dirname(settings.DATABASES['default']['NAME'])\n"
        "scenario_target(Scenario.parse('asgi/default/sync')).build().close()\n"
        "print(directory, os.path.exists(directory))\n"
        "scenario_target(Scenario.parse(sys.argv[1])).build().close()\n"
        "print(os.path.exists(directory))\n"
    )
    result = run("-c", script, "wsgi/none/db-sync")
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    directory, before = first.rsplit(" ", 1)
    assert (before, second) == ("False", "True")
    assert not os.path.exists(directory)
