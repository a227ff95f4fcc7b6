"""URLs of the built-in app: one per view of ``handlerbench.app.VIEWS``."""

from django.urls import path

from handlerbench.app import views

urlpatterns = [
    path("sync/", views.hello_sync),
    path("async/", views.hello_async),
]
