"""An API-style view like a DRF APIView: class-based, CSRF-exempt, a dict rendered as JSON."""

import json

from django.http import HttpResponse, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt


@method_decorator(csrf_exempt, name="dispatch")
class ItemsView(View):
    def get(self, request, *args, **kwargs):
        return JsonResponse({"message": "Test Message"})

    def post(self, request, *args, **kwargs):
        return JsonResponse({"received": json.loads(request.body)}, status=201)


def boom(request):
    raise ValueError("the view failed on purpose")


def unavailable(request):
    return HttpResponse("down for maintenance", status=500)


def teapot(request):
    return HttpResponse("short and stout", status=418)
