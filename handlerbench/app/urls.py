"""URLs of the built-in app: one per view of ``handlerbench.app.endpoints.VIEWS``."""

from django.urls import path

from handlerbench.app import views

urlpatterns = [
    path("sync/", views.hello_sync),
    path("async/", views.hello_async),
    path("sync-io/<int:delay_us>/", views.sleep_sync),
    path("async-io/<int:delay_us>/", views.sleep_async),
    path("cpu/<int:work>/", views.cpu),
    path("json/", views.api),
    path("template/", views.template),
    path("stream-sync/", views.stream_sync),
    path("stream-async/", views.stream_async),
    path("post/", views.post_form),
    path("db-sync/", views.db_sync),
    path("db-async/", views.db_async),
]
