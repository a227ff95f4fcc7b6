"""The built-in app as a Django app: it owns the db views' model and the template."""

from django.apps import AppConfig


class BuiltInAppConfig(AppConfig):
    name = "handlerbench.app"
    label = "handlerbench"
    default_auto_field = "django.db.models.AutoField"
