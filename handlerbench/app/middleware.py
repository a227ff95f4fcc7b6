"""Pass-through middleware, one per mode, for the ``sync-only`` and ``async-native`` stacks.

They do nothing but call the next handler, so a stack of seven of them
costs exactly what Django's chaining and any mode adaptation cost.
"""

from asgiref.sync import iscoroutinefunction, markcoroutinefunction


class SyncPassThrough:
    """A sync-only middleware: ``load_middleware`` adapts around a run of them once."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class AsyncPassThrough:
    """A native async middleware: no hop of its own under ASGI."""

    sync_capable = False
    async_capable = True

    def __init__(self, get_response):
        if not iscoroutinefunction(get_response):
            raise TypeError("AsyncPassThrough needs an async get_response")
        self.get_response = get_response
        markcoroutinefunction(self)

    async def __call__(self, request):
        return await self.get_response(request)
