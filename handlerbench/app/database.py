"""The built-in app's database: a temporary SQLite file, migrated and seeded once per process.

Not ``:memory:``: Django's connections are per thread, and ASGI runs sync
code on a new thread per request, where a private in-memory database would
be empty. A file (on tmpfs when there is one) is seen by every thread, and
with Django's default ``CONN_MAX_AGE = 0`` both handlers open and close a
connection per request, as a default project does. The file is removed at
exit.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid

from handlerbench.app.endpoints import seed_titles

_prepared = False


def temporary_name() -> str:
    """A fresh database path in a directory of its own, made only by ``prepare()``.

    So a process that runs no db view leaves nothing behind, even if killed.
    """
    shm = "/dev/shm"
    parent = shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else tempfile.gettempdir()
    unique = f"handlerbench-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    return os.path.join(parent, unique, "db.sqlite3")


def prepare() -> None:
    """Migrate every app and seed the posts, once per process; close the connection after."""
    global _prepared
    if _prepared:
        return
    from handlerbench.app.settings import configure

    configure()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from handlerbench.app.models import Post

    directory = os.path.dirname(settings.DATABASES["default"]["NAME"])
    os.makedirs(directory, exist_ok=True)
    atexit.register(shutil.rmtree, directory, ignore_errors=True)

    call_command("migrate", verbosity=0, interactive=False)
    Post.objects.bulk_create(Post(title=title, body="") for title in seed_titles())
    connection.close()
    _prepared = True


def table_state() -> tuple[int, int]:
    """Rows and the file's page count: what the db views must leave as they found them."""
    from django.db import connection

    from handlerbench.app.models import Post

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA page_count")
        (pages,) = cursor.fetchone()
    return Post.objects.count(), pages
