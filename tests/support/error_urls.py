"""The site's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from config.urls import handler400  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied("Only members of this platform submit proposals.")


def suspicious(request):
    raise SuspiciousOperation("odd")


urlpatterns = [
    path("test-errors/500/", boom),
    path("test-errors/403/", forbidden),
    path("test-errors/400/", suspicious),
    *site_urlpatterns,
]
