"""The consultation request form, its confirmation page, and the pages for held requests."""

import logging
import re

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from clinic_site.cache import render_with_fills
from clinic_site.views import render_error_page
from pages.models import ClinicProfile

from . import ratelimit
from .forms import ConsultationForm, new_form_token
from .models import ConsultationRequest
from .next_contact import next_contact
from .services import submit_consultation_request

# The confirmation finds its request through a signed, HttpOnly cookie holding only the
# reference (no session row to write per request, nothing about the patient in the URL).
CONFIRMATION_COOKIE = "consultation_sent"
CONFIRMATION_SALT = "bookings.confirmation"
SESSION_CAME_FROM = "consultation_came_from"
FORM_TOKEN_PLACEHOLDER = "form-token-placeholder-3b9e"  # see render_with_fills
ARTICLE_PATH = re.compile(r"/learn/[a-z0-9]+(?:-[a-z0-9]+)*/")
logger = logging.getLogger(__name__)
# The confirmation can be reloaded for this long; after that a shared computer shows nothing.
CONFIRMATION_SECONDS = 60 * 60
CONFIRMATION_PATH = "/consultation/"


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def consultation(request):
    """Show the form; on a valid POST store the request and redirect to the confirmation."""
    if request.method != "POST":
        _remember_article(request)
        # The page is rendered once per content version and kept; each visitor gets their own
        # CSRF and form tokens filled in (rendering the form costs ~20x serving the copy).
        return render_with_fills(
            request,
            "bookings/consultation.html",
            lambda: {"form": ConsultationForm(initial={"token": FORM_TOKEN_PLACEHOLDER})},
            fills={FORM_TOKEN_PLACEHOLDER: new_form_token()},
            query_params=("from",),
        )
    if ratelimit.is_limited(request):
        return render(request, "bookings/rate_limited.html", status=429)
    form = ConsultationForm(request.POST)
    if not form.is_valid():
        return render(request, "bookings/consultation.html", {"form": form})
    token_id, spam_reason = form.spam_check()
    try:
        consultation_request = submit_consultation_request(
            data=form.request_data(),
            form_token=token_id,
            spam_reason=spam_reason,
            came_from=request.session.pop(SESSION_CAME_FROM, ""),
        )
    except (OperationalError, InterfaceError):
        # Say so plainly and give the phone number: never a 500, never a confirmation. If the
        # connection broke during the commit itself the row may exist; the form token makes a
        # resend store it only once, and staff see the call and the row together.
        logger.warning("Consultation request not saved: the database is unreachable")
        return could_not_save(request)
    ratelimit.count_request(request)
    if consultation_request.status == "spam":
        return render(request, "bookings/held.html")
    response = redirect("bookings:thanks")
    response.set_signed_cookie(
        CONFIRMATION_COOKIE,
        consultation_request.reference,
        salt=CONFIRMATION_SALT,
        max_age=CONFIRMATION_SECONDS,
        path=CONFIRMATION_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def could_not_save(request):
    """Return the 503 page: "we could not save your request - please call us at ..."."""
    response = render_error_page(request, "503.html", 503)
    response.headers["Retry-After"] = "30"
    return response


def _remember_article(request) -> None:
    """Keep the article the visitor came from (a /learn/ path and nothing else) in the session."""
    came_from = request.GET.get("from", "")
    if ARTICLE_PATH.fullmatch(came_from):
        request.session[SESSION_CAME_FROM] = came_from


@never_cache
@require_safe
def thanks(request):
    """Show the reference and when to expect contact, for the request this browser sent."""
    consultation_request = _request_sent_from_this_browser(request)
    if consultation_request is None:
        response = redirect("bookings:consultation")
        if CONFIRMATION_COOKIE in request.COOKIES:
            response.delete_cookie(CONFIRMATION_COOKIE, path=CONFIRMATION_PATH, samesite="Lax")
        return response
    clinic = ClinicProfile.objects.load()
    estimate = next_contact(
        timezone.now(),
        open_weekdays=clinic.open_weekdays,
        opens_at=clinic.opens_at,
        closes_at=clinic.closes_at,
        tz=clinic.tz,
    )
    context = {"consultation_request": consultation_request, "estimate": estimate}
    return render(request, "bookings/thanks.html", context)


def _request_sent_from_this_browser(request) -> ConsultationRequest | None:
    """Return the request this browser sent in the last hour (None if older, altered or none)."""
    reference = request.get_signed_cookie(
        CONFIRMATION_COOKIE, default=None, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_SECONDS
    )
    if reference is None:
        return None
    return ConsultationRequest.objects.filter(reference=reference).first()
