import asyncio
import contextvars

from handlerbench.compat import asgiref_version, create_task_in_fresh_context, django_version

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
