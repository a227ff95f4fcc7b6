"""Settings of the built-in app, applied with ``settings.configure()``."""

from __future__ import annotations

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
    # What the default middleware stack needs: sessions, auth and messages.
    "INSTALLED_APPS": [
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django.contrib.sessions",
        "django.contrib.messages",
    ],
    "DATABASES": {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    "USE_TZ": True,
    "TEMPLATES": [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "APP_DIRS": True,
            "OPTIONS": {},
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

    if settings.configured:
        if not getattr(settings, "HANDLERBENCH_BUILT_IN_APP", False):
            raise HandlerbenchError(
                "Django is already configured with other settings in this process; "
                "the built-in app needs a process of its own"
            )
        return
    settings.configure(**SETTINGS)
    django.setup()
