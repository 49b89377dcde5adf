"""Site-wide middleware: extra security headers, the request log line, readable 405 pages."""

import logging
import re
import time
import uuid
from urllib.parse import quote

from csp.constants import HEADER as CSP_HEADER
from csp.middleware import CheckableLazyObject
from csp.middleware import CSPMiddleware as DjangoCSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from .views import render_error_page

request_logger = logging.getLogger("clinic_site.request")
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class SecurityHeadersMiddleware:
    """Add Permissions-Policy to every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


# Set by django-csp's decorators (csp.decorators) on a response whose policy differs.
CSP_PER_VIEW = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
)


class CSPMiddleware(DjangoCSPMiddleware):
    """django-csp's middleware, building the site's one policy once instead of per response.

    django-csp builds the header from settings for every response, about 2% of the CPU time
    of a search or a consultation request. The site's views never change the policy and use
    no nonce. A response that does either (csp.decorators, or a template that reads
    request.csp_nonce), report-only policies and DEBUG go through django-csp's own code.
    """

    policy = None  # built on first use; reset when tests change the setting

    def process_response(self, request, response):
        if (
            settings.DEBUG
            or getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
            or getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in CSP_PER_VIEW)
        ):
            return super().process_response(request, response)
        if CSPMiddleware.policy is None:
            CSPMiddleware.policy = build_policy()
        excluded = settings.CONTENT_SECURITY_POLICY.get("EXCLUDE_URL_PREFIXES") or ()
        if (
            CSPMiddleware.policy
            and CSP_HEADER not in response
            and not getattr(response, "_csp_exempt", False)
            and not request.path_info.startswith(tuple(excluded))
        ):
            response[CSP_HEADER] = CSPMiddleware.policy
        # As django-csp: a nonce asked for after the header is written is an error, not a gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


@receiver(setting_changed)
def _forget_csp_policy(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        CSPMiddleware.policy = None


class RequestLogMiddleware:
    """Log one line per request: id, method, path (never the query string), status, duration.

    The request id comes from a sane X-Request-ID header (set by a proxy) or is generated, and is
    echoed back in the response so a patient's "error reference" can be found in the logs.
    Nothing from the query string, body or cookies is logged: they may hold health information.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.monotonic()
        request.id = request_id(request.META.get("HTTP_X_REQUEST_ID", ""))
        response = self.get_response(request)
        duration_ms = (time.monotonic() - started) * 1000
        response.headers["X-Request-ID"] = request.id
        request_logger.info(
            "request id=%s method=%s path=%s status=%s duration_ms=%.1f",
            request.id,
            quote(request.method or "-", safe="")[:16],
            quote(request.path, safe="/-._~")[:200],
            response.status_code,
            duration_ms,
        )
        return response


def request_id(header: str) -> str:
    """Return the proxy's request id if it looks like one, else a new random one."""
    if SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class MethodNotAllowedPageMiddleware:
    """Refuse methods the site never uses, and give every 405 a short page a person can read.

    Only GET, HEAD and POST reach a view (the admin posts too); anything else is answered here,
    before the CSRF check would turn it into a confusing "form not sent" page.
    """

    allowed = ("GET", "HEAD", "POST")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.allowed:
            return self.page(request, ", ".join(self.allowed))
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            return self.page(request, response.headers.get("Allow", "GET, HEAD"))
        return response

    def page(self, request, allow: str):
        response = render_error_page(request, "405.html", 405)
        response.headers["Allow"] = allow
        return response
