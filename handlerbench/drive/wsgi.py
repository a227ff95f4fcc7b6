"""``WsgiDriver``: ``WSGIHandler.__call__(environ, start_response)``, as gunicorn calls it.

Each request gets a copy of the environ template with a fresh ``wsgi.input``;
the response is iterated and closed (closing is what fires Django's
``request_finished``).
"""

from __future__ import annotations

from io import BytesIO
from time import perf_counter
from typing import Any

from handlerbench.drive.base import BaseDriver
from handlerbench.drive.deadline import DEFAULT_DEADLINE, Watch, watched
from handlerbench.wire import wsgi
from handlerbench.wire.request import RequestSpec, Response


class WsgiDriver(BaseDriver):
    """Drive ``WSGIHandler.__call__(environ, start_response)`` or any WSGI callable."""

    interface = "wsgi"

    def __init__(
        self, app: Any, spec: RequestSpec, name: str, deadline: float = DEFAULT_DEADLINE
    ) -> None:
        super().__init__(app, spec, name, deadline)
        self.environ = wsgi.wsgi_environ(spec)

    def new_environ(self) -> dict:
        """What one request gets: a copy of the template with a fresh ``wsgi.input``."""
        environ = self.environ.copy()
        environ["wsgi.input"] = BytesIO(self.spec.body)
        return environ

    def exchange(self, start_response: wsgi.StartResponse, body: list | None = None) -> int:
        """One request (its body kept in ``body`` if given); the status it answered."""
        wsgi.exchange(self.app, self.new_environ(), start_response, body)
        return int(start_response.status[:3])

    def request(self) -> Response:
        with watched(self.name, self.deadline):
            start_response = wsgi.StartResponse()
            body: list[bytes] = []
            self.exchange(start_response, body)
        code, _, reason = start_response.status.partition(" ")
        return Response(int(code), reason, start_response.headers, b"".join(body))

    def time(self, loops: int) -> float:
        self.check_ready()
        with watched(self.name, self.deadline) as watch:
            elapsed, bad = self._time(loops, watch)
        self.check_answers(bad, loops)
        return elapsed

    def _time(self, loops: int, watch: Watch) -> tuple[float, int]:
        app = self.app
        template = self.environ
        body = self.spec.body
        expected = self.expected_status
        bad = 0
        start_response = wsgi.StartResponse()
        t0 = perf_counter()
        for n in range(loops):
            watch.mark = n
            # exchange(), inlined: this loop is the harness floor users see.
            environ = template.copy()
            environ["wsgi.input"] = BytesIO(body)
            result = app(environ, start_response)
            try:
                for _chunk in result:
                    pass
            finally:
                if hasattr(result, "close"):
                    result.close()
            if int(start_response.status[:3]) != expected:
                bad += 1
        return perf_counter() - t0, bad
