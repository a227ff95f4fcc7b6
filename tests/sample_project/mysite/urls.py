from api import views
from django.urls import path

urlpatterns = [
    path("api/items/", views.ItemsView.as_view()),
    path("api/boom/", views.boom),
    path("api/error/", views.unavailable),
    path("api/teapot/", views.teapot),
]
