"""Views of the built-in app: the smallest work a view can do, sync and async."""

from django.http import HttpResponse

from handlerbench.app import HELLO


def hello_sync(request):
    return HttpResponse(HELLO)


async def hello_async(request):
    return HttpResponse(HELLO)
