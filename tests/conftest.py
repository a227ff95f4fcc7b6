"""Tests run in one process holding the built-in app, configured once."""

import pytest

from handlerbench.app import configure


def pytest_configure(config):
    configure()


@pytest.fixture
def drivers_to_close():
    """Drivers a test made, closed after it (ASGI drivers own an event loop)."""
    made = []
    yield made
    for driver in made:
        driver.close()
