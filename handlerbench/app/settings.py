"""Settings of the built-in app, applied with ``settings.configure()``."""

from __future__ import annotations

import warnings

from handlerbench.errors import HandlerbenchError

ROOT_URLCONF = "handlerbench.app.urls"

SETTINGS = {
    # Marks a process configured by configure(), whatever a test overrides.
    "HANDLERBENCH_BUILT_IN_APP": True,
    "DEBUG": False,
    "ALLOWED_HOSTS": ["127.0.0.1", "localhost", "testserver"],
    # Not a secret: the app serves nothing but benchmarks on loopback.
    "SECRET_KEY": "handlerbench-built-in-app-not-a-secret",
    "ROOT_URLCONF": ROOT_URLCONF,
    "MIDDLEWARE": [],
    # What the default middleware stack needs (sessions, auth, messages),
    # and the built-in app itself: the db views' model and the template.
    "INSTALLED_APPS": [
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django.contrib.sessions",
        "django.contrib.messages",
        "handlerbench.app",
    ],
    "USE_TZ": True,
    # As `startproject` writes them.
    "TEMPLATES": [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "APP_DIRS": True,
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                    "django.contrib.messages.context_processors.messages",
                ],
            },
        }
    ],
    "DEFAULT_AUTO_FIELD": "django.db.models.AutoField",
}


def configure() -> None:
    """Configure Django with the built-in app, once per process.

    A process that already configured Django with other settings cannot
    switch: say so instead of measuring the wrong project.
    """
    import django
    from django.conf import settings

    from handlerbench.app.database import temporary_name

    if settings.configured:
        if not getattr(settings, "HANDLERBENCH_BUILT_IN_APP", False):
            raise HandlerbenchError(
                "Django is already configured with other settings in this process; "
                "the built-in app needs a process of its own"
            )
        return
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": temporary_name()}
    settings.configure(**SETTINGS, DATABASES={"default": database})
    # The stream-* views serve an iterator of the other mode on purpose (a
    # sync one under ASGI, an async one under WSGI); Django warns each time.
    warnings.filterwarnings("ignore", message="StreamingHttpResponse must consume")
    django.setup()
