from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"

    def ready(self):
        from django.core.signals import request_started

        from api.signals import note_request_started

        request_started.connect(note_request_started, dispatch_uid="api-note-request-started")
