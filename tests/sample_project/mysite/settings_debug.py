"""The sample project with DEBUG on, as a development settings module has it."""

from mysite.settings import *  # noqa: F403

DEBUG = True
