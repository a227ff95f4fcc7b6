"""Views of the built-in app: one per kind of work a real view does, sync and async.

Each answers what ``handlerbench.app.endpoints`` expects of it; the check
refuses to time a view whose answer differs.
"""

import asyncio
import time

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from handlerbench.app.endpoints import (
    API_ITEM,
    HELLO,
    NEW_POST_TITLE,
    PAGE,
    STREAM_CHUNKS,
    TEMPLATE,
    TEMPLATE_ITEMS,
    TEMPLATE_TITLE,
)
from handlerbench.app.models import Post


def hello_sync(request):
    return HttpResponse(HELLO)


async def hello_async(request):
    return HttpResponse(HELLO)


def sleep_sync(request, delay_us):
    time.sleep(delay_us / 1e6)
    return HttpResponse(b"slept %d us" % delay_us)


async def sleep_async(request, delay_us):
    await asyncio.sleep(delay_us / 1e6)
    return HttpResponse(b"slept %d us" % delay_us)


def cpu(request, work):
    # The loop of the CPU-bound view in ../shared/seeds/002, scaled by --work.
    ct = 0
    for i in range(work):
        ct += i * i
    return JsonResponse({"ct": ct})


def api(request):
    return JsonResponse(API_ITEM)


def template(request):
    return render(request, TEMPLATE, {"title": TEMPLATE_TITLE, "items": TEMPLATE_ITEMS})


def _chunks():
    yield from STREAM_CHUNKS


async def _achunks():
    for chunk in STREAM_CHUNKS:
        yield chunk


def stream_sync(request):
    return StreamingHttpResponse(_chunks())


async def stream_async(request):
    return StreamingHttpResponse(_achunks())


@require_POST
def post_form(request):
    return JsonResponse({"fields": len(request.POST), "payload": len(request.POST["payload"])})


def db_sync(request):
    posts = [post.to_dict() for post in Post.objects.order_by("id")[:PAGE]]
    count = Post.objects.count()
    # One row written per request, and removed again: the table never grows.
    created = Post.objects.create(title=NEW_POST_TITLE, body="")
    created.delete()
    return JsonResponse({"ct": count, "posts": posts})


async def db_async(request):
    posts = [post.to_dict() async for post in Post.objects.order_by("id")[:PAGE]]
    count = await Post.objects.acount()
    created = await Post.objects.acreate(title=NEW_POST_TITLE, body="")
    await created.adelete()
    return JsonResponse({"ct": count, "posts": posts})
