"""The sample project with a URLconf that fails to import."""

from mysite.settings import *  # noqa: F403

ROOT_URLCONF = "mysite.broken_urls"
