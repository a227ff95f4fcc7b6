"""A request_started receiver of the project's own, as apps add for metrics."""

STARTED = {"requests": 0}


def note_request_started(sender, **kwargs):
    STARTED["requests"] += 1
