"""The consultation request form, its confirmation page, and the pages for held requests."""

import logging
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject, cached_property
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.generic import FormView

from clinic_site import ratelimit
from clinic_site.views import render_error_page
from pages.models import ClinicProfile

from . import call_links, scheduling
from .calendar_file import call_calendar
from .call_times import call_times
from .choices import Status
from .emails import booked_call
from .forms import ConsultationForm, article_path, new_form_token
from .models import ConsultationRequest
from .next_contact import next_contact
from .services import submit_consultation_request

# The confirmation finds its request through a signed, HttpOnly cookie holding only the
# reference (no session row to write per request, nothing about the patient in the URL).
CONFIRMATION_COOKIE = "consultation_sent"
CONFIRMATION_SALT = "bookings.confirmation"
logger = logging.getLogger(__name__)
# The confirmation can be reloaded for this long; after that a shared computer shows nothing.
CONFIRMATION_SECONDS = 60 * 60
CONFIRMATION_PATH = "/consultation/"


@method_decorator(never_cache, name="dispatch")
class ConsultationView(FormView):
    """Show the form; on a valid POST store the request and redirect to the confirmation.

    Nothing is kept about the visitor between the two: the article they came from travels in
    the form itself, so a patient never gets a session.
    """

    form_class = ConsultationForm
    template_name = "bookings/consultation.html"
    http_method_names = ["get", "head", "post"]

    def get_initial(self):
        came_from = article_path(self.request.GET.get("from", ""))
        return {"token": new_form_token(), "came_from": came_from}

    def get_form_kwargs(self):
        self.scheduling = scheduling.scheduling_settings() is not None
        return {**super().get_form_kwargs(), "scheduling": self.scheduling}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.scheduling:
            form = context["form"]
            picked = form["call_at"].value() if form.is_bound else None
            page = None if form.is_bound else self.request.GET.get("dates", "")
            # Lazy: the empty form's times are a page-cache fragment for up to a minute (see
            # the template), and while it is kept they need not be worked out at all.
            context["call_times"] = SimpleLazyObject(
                lambda: call_times(self.offer, picked=picked, page=page)
            )
            context["call_times_key"] = (page, int(time.time() // 60))
        return context

    @cached_property
    def offer(self) -> scheduling.Offer:
        """The free times, worked out only if the page shows them (scheduling is on)."""
        return scheduling.offer(force=True)

    def form_valid(self, form):
        if not ratelimit.allow(
            self.request, scope="consultation", rate=settings.CONSULTATION_RATE_LIMIT
        ):
            # Many phones share one carrier address: give their answers back, and the phone.
            context = self.get_context_data(form=form, rate_limited=True)
            return self.render_to_response(context, status=429)
        token_id, spam_reason = form.spam_check()
        try:
            consultation_request = submit_consultation_request(
                data=form.request_data(),
                form_token=token_id,
                spam_reason=spam_reason,
                call_at=form.cleaned_data.get("call_at"),
            )
        except scheduling.SlotTaken as taken:
            return self.slot_taken(form, wanted=taken.args[0])
        except (OperationalError, InterfaceError):
            # Say so plainly and give the phone number: never a 500, never a confirmation. If
            # the connection broke during the commit itself the row may exist; the form token
            # makes a resend store it only once, and staff see the call and the row together.
            logger.warning("Consultation request not saved: the database is unreachable")
            return could_not_save(self.request)
        if consultation_request.status == Status.SPAM:
            return render(self.request, "bookings/held.html")
        return confirmation_redirect(consultation_request)

    def slot_taken(self, form, *, wanted):
        """Show the form again, answers kept, with the nearest free times: 409, never a 500."""
        nearest = scheduling.nearest(self.offer.times, wanted)
        context = self.get_context_data(form=form, slot_taken=True, nearest=nearest)
        return self.render_to_response(context, status=409)


consultation = ConsultationView.as_view()


def confirmation_redirect(consultation_request: ConsultationRequest):
    """Redirect to the confirmation, with the cookie that lets only this browser see it."""
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
    booking = booked_call(consultation_request)
    context = {
        "consultation_request": consultation_request,
        "estimate": estimate,
        "call_time": call_links.call_time_text(booking) if booking else "",
    }
    return render(request, "bookings/thanks.html", context)


@never_cache
@require_safe
def thanks_calendar(request):
    """Return the booked call's calendar file, for the request this browser sent."""
    consultation_request = _request_sent_from_this_browser(request)
    booking = booked_call(consultation_request) if consultation_request else None
    if booking is None:
        return redirect("bookings:thanks")
    response = HttpResponse(call_calendar(booking), content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = 'attachment; filename="call.ics"'
    return response


def _request_sent_from_this_browser(request) -> ConsultationRequest | None:
    """Return the request this browser sent in the last hour (None if older, altered or none)."""
    reference = request.get_signed_cookie(
        CONFIRMATION_COOKIE, default=None, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_SECONDS
    )
    if reference is None:
        return None
    return ConsultationRequest.objects.filter(reference=reference).first()
