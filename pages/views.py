"""Site-wide views: home, privacy notice, health check, robots.txt and error pages."""

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_safe

from .models import ClinicProfile


@require_safe
def home(request):
    return render(request, "pages/home.html")


@require_safe
def privacy(request):
    return render(
        request, "pages/privacy.html", {"privacy_version": settings.PRIVACY_NOTICE_VERSION}
    )


@never_cache
@require_safe
def healthz(request):
    """Answer 200 only when the database answers: a load balancer's signal to send traffic."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@require_safe
@cache_control(max_age=86400, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        f"Disallow: /{settings.ADMIN_PATH}",
        "Disallow: /consultation/thanks/",
        "Sitemap: " + request.build_absolute_uri(reverse("pages:sitemap")),
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    """Render the 500 page without context processors: the database may be what failed."""
    try:
        clinic = ClinicProfile.objects.load()
    except Exception:
        clinic = ClinicProfile()  # unsaved: the default name, phone and crisis numbers
    html = loader.get_template("500.html").render({"clinic": clinic, "request": request})
    return HttpResponse(html, status=500)


@require_safe
def learn(request):
    return render(request, "pages/learn.html")


@require_safe
def conditions(request):
    return render(request, "pages/conditions.html")


@require_safe
def what_to_expect(request):
    return render(request, "pages/what_to_expect.html")
