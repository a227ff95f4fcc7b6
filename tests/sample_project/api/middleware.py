from django.utils.deprecation import MiddlewareMixin


class ApiVersionMiddleware(MiddlewareMixin):
    """A project's own old-style middleware: sync hooks, async-capable by inheritance."""

    def process_response(self, request, response):
        response["X-API-Version"] = "1"
        return response
