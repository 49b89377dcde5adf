"""The admin's scheduling pages: settings, who takes calls and when, closures, the call agenda."""

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html

from clinic_site.admin import SingletonAdmin

from . import call_links, scheduling, services
from .call_times import call_times
from .choices import OPEN_STATUSES
from .clinic_time import clinic_today, clinic_tz
from .models import (
    AccessLogEntry,
    CallBooking,
    Caller,
    CallHours,
    CallStatus,
    ConsultationRequest,
    SchedulingSettings,
    TimeOff,
)


@admin.register(SchedulingSettings)
class SchedulingSettingsAdmin(SingletonAdmin):
    fieldsets = (
        (None, {"fields": ("enabled",)}),
        (
            "How calls are laid out",
            {"fields": ("call_minutes", "buffer_minutes", "notice_hours", "horizon_days")},
        ),
    )


class CallHoursInline(admin.TabularInline):
    model = CallHours
    extra = 1
    fields = ("weekday", "starts_at", "ends_at")
    verbose_name_plural = "weekly hours (in the clinic's time zone)"


@admin.register(Caller)
class CallerAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user", "active")
    list_filter = ("active",)
    inlines = (CallHoursInline,)
    autocomplete_fields = ()
    fields = ("user", "display_name", "active")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = services.front_desk_people()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ("who", "starts", "ends", "reason")
    list_filter = ("caller",)
    fields = ("caller", "starts", "ends", "reason")

    @admin.display(description="who")
    def who(self, obj):
        return obj.caller or "Whole clinic (closed)"

    def changelist_view(self, request, extra_context=None):
        with timezone.override(clinic_tz()):
            response = super().changelist_view(request, extra_context)
            _render(response)
        return response

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        with timezone.override(clinic_tz()):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            _render(response)
        return response


class DayFilter(admin.SimpleListFilter):
    """The agenda's days, in the clinic's time zone: today by default."""

    title = "day"
    parameter_name = "day"

    def lookups(self, request, model_admin):
        return (("today", "Today"), ("tomorrow", "Tomorrow"), ("week", "Next 7 days"))

    def choices(self, changelist):
        # "Today" is the default view, so "All" has to be a choice of its own.
        for lookup, title in (("all", "All days"), *self.lookup_choices):
            yield {
                "selected": (self.value() or "today") == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or "today"
        if value == "all":
            return queryset
        first = clinic_today() + datetime.timedelta(days=1 if value == "tomorrow" else 0)
        days = 7 if value == "week" else 1
        return queryset.starting_on(first, days=days, tz=clinic_tz())


@admin.register(CallBooking)
class CallBookingAdmin(admin.ModelAdmin):
    """The front desk's agenda of booked calls: when, with whom, and the request to open."""

    list_display = ("call_time", "caller", "request_link", "status")
    list_filter = (DayFilter, "caller", "status")
    list_select_related = ("caller", "request")
    ordering = ("caller", "during")
    actions = ("cancel_calls", "missed_calls")
    fields = ("request_link", "caller", "call_time", "status", "sequence")
    readonly_fields = fields
    list_display_links = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="call at", ordering="during")
    def call_time(self, obj):
        start = timezone.localtime(obj.starts, clinic_tz())
        return f"{start:%a %-d %b, %-I:%M %p}"

    @admin.display(description="request")
    def request_link(self, obj):
        return format_html('<a href="{}">{}</a>', obj.request.get_admin_url(), obj.request)

    def changelist_view(self, request, extra_context=None):
        """Show the agenda, recording which requests' calls the staff member saw."""
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            services.record_access(
                user=request.user,
                shown=[call.request for call in changelist.result_list],
                page=AccessLogEntry.Page.AGENDA,
                query=request.GET.urlencode(),
            )
        return response

    @admin.action(description="Cancel the selected calls (the patient is emailed)")
    def cancel_calls(self, request, queryset):
        cancelled = 0
        for booking in queryset.filter(status=CallStatus.BOOKED):
            scheduling.cancel_call(booking=booking)
            cancelled += 1
        self.message_user(request, f"Cancelled {cancelled} call(s).", messages.SUCCESS)

    @admin.action(description="No answer: log it, free the time, email them to pick a new one")
    def missed_calls(self, request, queryset):
        missed = 0
        for booking in queryset.filter(status=CallStatus.BOOKED).select_related("request"):
            services.missed_call(booking=booking, actor=request.user)
            missed += 1
        self.message_user(
            request,
            f"Logged {missed} missed call(s). Patients who gave an email were asked to pick a "
            "new time; call the others.",
            messages.SUCCESS,
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("bookings.change_callbooking"):
            actions.pop("cancel_calls", None)
            actions.pop("missed_calls", None)
        return actions

    def get_urls(self):
        book_view = self.admin_site.admin_view(self.book_view)
        return [
            path("book/<int:request_id>/", book_view, name="bookings_callbooking_book"),
            *super().get_urls(),
        ]

    def book_view(self, request, request_id: int):
        """Book (or move) the call for a patient who phoned in, at a free time they chose."""
        if not request.user.has_perm("bookings.change_callbooking"):
            raise PermissionDenied
        patient = get_object_or_404(ConsultationRequest, pk=request_id, status__in=OPEN_STATUSES)
        services.record_access(user=request.user, request=patient)
        booking = CallBooking.objects.booked().filter(request=patient).first()
        offer = scheduling.offer(force=True)
        error = ""
        if request.method == "POST":
            error = self._book(request, patient, booking, request.POST.get("call_at", ""))
            if not error:
                return redirect(patient.get_admin_url())
        context = {
            **self.admin_site.each_context(request),
            "title": f"{'Move' if booking else 'Book'} the call for {patient.reference}",
            "patient": patient,
            "booking": booking,
            "call_time": call_links.call_time_text(booking) if booking else "",
            "call_times": call_times(offer, picked=None, page=None),
            "error": error,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/bookings/callbooking/book.html", context)

    def _book(self, request, patient, booking, value: str) -> str:
        """Book or move the call; return what went wrong, in words ('' when it worked)."""
        if not patient.phone:
            return "This patient gave no phone number: we cannot book a call."
        try:
            start = scheduling.parse_call_time(value)
        except ValueError:
            return "Choose a time."
        try:
            if booking is None:
                scheduling.book_call_for(request=patient, start=start)
            else:
                scheduling.move_call(booking=booking, start=start)
        except scheduling.SlotTaken:
            return "That time was just taken. Choose another."
        self.message_user(
            request, "The call is booked. The patient is emailed if they gave an email."
        )
        return ""


def _render(response) -> None:
    """Render a template response now, while the clinic's time zone is active."""
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
