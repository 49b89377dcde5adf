"""Site-wide views: the error pages, the health checks and the CSP violation report endpoint."""

import json
import logging
import re
import sys
from urllib.parse import urlsplit

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from . import ratelimit

csp_logger = logging.getLogger("clinic_site.csp")


def render_error_page(request, template_name: str, status: int) -> HttpResponse:
    """Render an error page; it works with the database down (see the `clinic` context)."""
    return render(request, template_name, status=status)


def page_not_found(request, exception):
    return render_error_page(request, "404.html", 404)


def server_error(request):
    """Answer a lost database connection with 503 and the clinic's phone; anything else, 500.

    A patient whose request could not be saved must be told so plainly and given the number to
    call, never a generic error that might leave them thinking it went through.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = render_error_page(request, "503.html", 503)
        response.headers["Retry-After"] = "30"
        return response
    return render_error_page(request, "500.html", 500)


def bad_request(request, exception):
    return render_error_page(request, "400.html", 400)


def permission_denied(request, exception):
    return render_error_page(request, "403.html", 403)


def csrf_failure(request, reason=""):
    """Explain a stale or blocked form in words a patient can act on (Django logs the reason)."""
    return render_error_page(request, "403_csrf.html", 403)


@never_cache
@require_safe
def healthz(request):
    """Answer 200 only when the database answers: a load balancer's signal to send traffic."""
    if not _database_answers():
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


@never_cache
@require_safe
def readyz(request):
    """Answer 200 only when the database and both caches answer: ready for traffic."""
    problems = [] if _database_answers() else ["database unavailable"]
    problems += [
        f"cache {alias} unavailable" for alias in settings.CACHES if not _cache_answers(alias)
    ]
    if problems:
        return HttpResponse("\n".join(problems) + "\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


def _database_answers() -> bool:
    try:
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return False
    return True


def _cache_answers(alias: str) -> bool:
    cache = caches[alias]
    try:
        cache.set("readyz", "ok", timeout=10)
        return cache.get("readyz") == "ok"
    except (DatabaseError, redis.RedisError):  # the database cache's errors, and Redis's
        return False


@csrf_exempt  # browsers send reports without a token
@require_POST
def csp_report(request):
    """Log a one-line summary of a browser's CSP violation report; answer 204."""
    if not ratelimit.allow(
        request, scope="csp-report", rate=f"{settings.CSP_REPORTS_PER_MINUTE}/m"
    ):
        return HttpResponse(status=429)
    body = request.read(settings.CSP_REPORT_MAX_BYTES + 1)
    if len(body) > settings.CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    for directive, blocked in summarise_csp_report(body):
        csp_logger.warning("csp-violation directive=%s blocked=%s", directive, blocked)
    return HttpResponse(status=204)


def summarise_csp_report(body: bytes) -> list[tuple[str, str]]:
    """Return (directive, blocked origin) pairs from a report-uri or Reporting API body."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: JSON nested thousands deep
        return [("unparseable", "-")]
    reports = data if isinstance(data, list) else [data]
    pairs = []
    for report in reports[:10]:
        if not isinstance(report, dict):
            continue
        fields = report.get("csp-report") or report.get("body") or {}
        if not isinstance(fields, dict):
            continue
        directive = fields.get("effective-directive") or fields.get("effectiveDirective")
        directive = directive or fields.get("violated-directive") or ""
        blocked = fields.get("blocked-uri") or fields.get("blockedURL") or ""
        pairs.append((safe_token(str(directive).split(" ")[0]), blocked_origin(str(blocked))))
    return pairs


def blocked_origin(value: str) -> str:
    """Return only the origin of a blocked URL (or a keyword like 'inline'): never a path."""
    try:
        parts = urlsplit(value)
    except ValueError:  # such as an unclosed IPv6 address, "https://[::1/"
        return "unparseable"
    if parts.scheme and parts.hostname:
        try:
            port = f":{parts.port}" if parts.port else ""
        except ValueError:
            port = ""
        return safe_token(f"{parts.scheme}://{parts.hostname}{port}")  # no user:password@
    return safe_token(parts.scheme or value.split("/")[0].split("?")[0])


def safe_token(value: str) -> str:
    """Keep a short run of URL-ish characters, so a report cannot forge or flood log lines."""
    cleaned = re.sub(r"[^A-Za-z0-9:/.\-\[\]_@]", "", value)[:100]
    return cleaned or "-"
