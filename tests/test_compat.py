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
