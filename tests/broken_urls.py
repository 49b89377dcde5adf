"""A URLconf with a view that fails, for testing the 500 page (tests only)."""

from django.urls import include, path


def boom(request):
    raise RuntimeError("a bug, not an outage")


urlpatterns = [path("boom/", boom), path("", include("clinic_site.urls"))]
handler500 = "clinic_site.views.server_error"
