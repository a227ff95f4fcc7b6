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

from handlerbench.app.endpoints import seed_titles

_prepared = False


def temporary_name() -> str:
    """A fresh database path in a directory of its own, removed when the process exits."""
    shm = "/dev/shm"
    parent = shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None
    directory = tempfile.mkdtemp(prefix="handlerbench-", dir=parent)
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    return os.path.join(directory, "db.sqlite3")


def prepare() -> None:
    """Migrate every app and seed the posts, once per process; close the connection after."""
    global _prepared
    if _prepared:
        return
    from handlerbench.app.settings import configure

    configure()
    from django.core.management import call_command
    from django.db import connection

    from handlerbench.app.models import Post

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
