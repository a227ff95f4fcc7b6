"""A URLconf naming a view that does not exist: it raises ImportError on import."""

from api.views import NoSuchView  # noqa: F401

urlpatterns = []
