"""The front desk's inbox of consultation requests, and the superuser's audit pages."""

import datetime
import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from clinic_site.phones import as_e164, for_display

from . import (  # noqa: F401 (admin_audit and admin_scheduling register pages)
    admin_audit,
    admin_metrics,
    admin_scheduling,
    services,
)
from .admin_filters import (
    AssignedFilter,
    ConditionFilter,
    FollowUpFilter,
    PastTargetFilter,
    StateFilter,
    StatusFilter,
)
from .choices import OPEN_STATUSES, REACHED_OUTCOMES, BestTime, Condition, ContactOutcome, Status
from .clinic_time import clinic_tz
from .models import AccessLogEntry, ConsultationRequest, ContactAttempt, Note, StatusChange

REFERENCE = re.compile(
    rf"[{services.REFERENCE_ALPHABET}]{{3}}-[{services.REFERENCE_ALPHABET}]{{4}}"
)

EDITABLE_FIELDS = ("status", "assigned_to", "follow_up_on", "legal_hold")
# The query parameters of the sidebar's filters and the date links. Any other lookup, such as
# ?message__icontains=..., is refused (400): it would be a search through what patients wrote.
FILTER_PARAMETERS = frozenset(
    {
        StatusFilter.parameter_name,
        AssignedFilter.parameter_name,
        ConditionFilter.parameter_name,
        FollowUpFilter.parameter_name,
        PastTargetFilter.parameter_name,
        "urgent__exact",
        StateFilter.parameter_name,
        "created__gte",
        "created__lt",
        "created__year",
        "created__month",
        "created__day",
    }
)


class ReadOnlyInline(admin.TabularInline):
    """A record kept for the audit trail: shown on the request, never added, edited or removed."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StatusChangeInline(ReadOnlyInline):
    model = StatusChange
    fields = ("changed_at", "from_status", "to_status", "changed_by")
    verbose_name_plural = "status history"


class NoteInline(ReadOnlyInline):
    """The notes so far, read-only: notes are never edited or removed."""

    model = Note
    fields = ("created", "author", "text")
    verbose_name_plural = "internal notes"


class AddNoteInline(admin.StackedInline):
    """One empty box to add a note; the author and time are set by services.add_note."""

    model = Note
    fields = ("text",)
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = "new internal note"
    verbose_name_plural = "add an internal note"

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_change_permission(self, request, obj=None):
        return False


class ContactAttemptInline(ReadOnlyInline):
    """The tries so far to reach the patient: how, who, when. Never edited."""

    model = ContactAttempt
    fields = ("at", "outcome", "note", "by")
    verbose_name_plural = "contact attempts"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("bookings.view_consultationrequest")


class LogContactInline(admin.StackedInline):
    """Log a call, email or text in one step: pick what happened and press Save.

    Only the kinds of contact this patient allowed are offered (services.contact_options);
    the attempt is saved by services.log_contact_attempt, which checks them again.
    """

    model = ContactAttempt
    fields = ("outcome", "note")
    radio_fields = {"outcome": admin.VERTICAL}
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = "contact attempt"
    verbose_name_plural = "log a contact attempt"

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_view_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        # Logging a call is part of handling the request: whoever may change it may log one.
        return request.user.has_perm("bookings.change_consultationrequest")

    def has_change_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        allowed = services.contact_options(request=obj) if obj is not None else []
        choices = [(value, ContactOutcome(value).label) for value in allowed]

        class AllowedOutcomeForm(formset.form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.fields["outcome"].choices = choices

        formset.form = AllowedOutcomeForm
        return formset


class FrontDeskChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.get_username()


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "name",
        "age",
        "status_and_tries",
        "assignee",
        "follow_up",
        "repeat_of",
    )
    list_display_links = ("reference", "name")
    list_filter = (
        StatusFilter,
        AssignedFilter,
        FollowUpFilter,
        PastTargetFilter,
        "urgent",
        ConditionFilter,
        StateFilter,
        "created",
    )
    list_select_related = ("assigned_to", "duplicate_of")
    search_fields = ("first_name", "last_name", "preferred_name")
    search_help_text = "Search by name, email, phone number or reference."
    date_hierarchy = "created"
    # "N results" without a count of the whole table on every page view (100,000+ rows).
    show_full_result_count = False
    ordering = ("-urgent", "created")
    actions = (
        "assign_to_me",
        "log_no_answer",
        "log_voicemail",
        "log_emailed",
        "log_texted",
        "mark_contacting",
        "close",
        "mark_spam",
    )
    inlines = (
        LogContactInline,
        ContactAttemptInline,
        StatusChangeInline,
        NoteInline,
        AddNoteInline,
    )
    fieldsets = (
        ("Handling", {"fields": EDITABLE_FIELDS}),
        (
            "How to reach them",
            {
                "fields": (
                    ("first_name", "last_name"),
                    "preferred_name",
                    ("email", "phone_display"),
                    "preferred_contact",
                    ("ok_voicemail", "ok_text", "ok_name_clinic"),
                    "best_times_display",
                )
            },
        ),
        (
            "What they told us",
            {"fields": ("state", "conditions_display", "message", "how_heard", "came_from")},
        ),
        (
            "Record",
            {
                "classes": ("collapse",),
                "fields": (
                    "reference",
                    "created",
                    "first_contacted_at",
                    "urgent",
                    "repeat_of",
                    "spam_reason",
                    "is_adult",
                    ("privacy_notice_version", "consented_at"),
                    "anonymised_at",
                ),
            },
        ),
    )

    class Media:
        css = {"all": ("css/admin-bookings.css",)}

    def get_readonly_fields(self, request, obj=None):
        """Make everything the patient sent read-only: staff change only status, owner, hold."""
        names = [f for group in self.fieldsets for f in _flatten(group[1]["fields"])]
        return [name for name in names if name not in EDITABLE_FIELDS]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "assigned_to":
            kwargs["queryset"] = services.front_desk_people()
            kwargs["form_class"] = FrontDeskChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_queryset(self, request):
        """Return the requests with their count of contact attempts and whether one reached them."""
        attempts = ContactAttempt.objects.filter(request=OuterRef("pk"))
        counted = attempts.order_by().values("request").annotate(n=Count("pk")).values("n")
        return (
            super()
            .get_queryset(request)
            .annotate(
                attempt_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0),
                reached=Exists(attempts.filter(outcome__in=REACHED_OUTCOMES)),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        """Find an email, phone number or reference exactly (by index), anything else by name.

        A reference read out over the phone may come without its dash, with spaces or in
        lower case ("dkv f3xv"); a name that happens to look like one is still found by name.
        """
        exact = _exact_matches(queryset, search_term.strip())
        if exact is not None:
            return exact, False
        reference = _as_reference(search_term)
        if reference and queryset.filter(reference=reference).exists():
            return queryset.filter(reference=reference), False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False  # requests only come from the website's form

    def has_delete_permission(self, request, obj=None):
        return False  # old requests are anonymised (anonymise_requests), never deleted

    def get_urls(self):
        """Add the managers' numbers page (aggregate only) beside the inbox."""
        metrics_view = self.admin_site.admin_view(admin_metrics.metrics_view)
        return [
            path("how-we-are-doing/", metrics_view, name="bookings_metrics"),
            *super().get_urls(),
        ]

    def lookup_allowed(self, lookup, value, request=None):
        """Allow only the filters the sidebar offers: no ?message__icontains=... by hand."""
        return lookup in FILTER_PARAMETERS and super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        """Show the inbox, recording who saw which requests and what they searched for."""
        with timezone.override(clinic_tz()):
            response = super().changelist_view(request, extra_context)
            _render(response)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            self._record(request, AccessLogEntry.Page.LIST, shown=changelist.result_list)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Show a request (also when a POST is shown again with errors), recording who saw it."""
        with timezone.override(clinic_tz()):
            response = super().change_view(request, object_id, form_url, extra_context)
            _render(response)
        obj = getattr(response, "context_data", {}).get("original")
        if obj is not None:
            self._record(request, AccessLogEntry.Page.CHANGE, obj=obj)
        return response

    def history_view(self, request, object_id, extra_context=None):
        """Show a request's change history, recording who saw it."""
        with timezone.override(clinic_tz()):
            response = super().history_view(request, object_id, extra_context)
            _render(response)
        obj = getattr(response, "context_data", {}).get("object")
        if obj is not None:
            self._record(request, AccessLogEntry.Page.HISTORY, obj=obj)
        return response

    def _record(self, request, page, *, obj=None, shown=None) -> None:
        query = "&".join(f"{k}={v}" for k, values in request.GET.lists() for v in values)
        services.record_access(user=request.user, request=obj, shown=shown, page=page, query=query)

    def save_model(self, request, obj, form, change):
        """Save staff's changes through the one service that records status history."""
        current = ConsultationRequest.objects.get(pk=obj.pk)
        services.update_requests(
            requests=[current],
            actor=request.user,
            status=obj.status,
            assigned_to=obj.assigned_to,
            legal_hold=obj.legal_hold,
            follow_up_on=obj.follow_up_on,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["suggest_no_response"] = services.suggests_no_response(request=obj)
            context["attempts_before_no_response"] = settings.CONTACT_ATTEMPTS_BEFORE_NO_RESPONSE
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is ContactAttempt:
            formset.new_objects = [
                services.log_contact_attempt(
                    request=form.instance, actor=request.user, outcome=a.outcome, note=a.note
                )
                for a in formset.save(commit=False)
            ]
            return None
        if formset.model is not Note:
            return super().save_formset(request, form, formset, change)
        formset.new_objects = [
            services.add_note(request=form.instance, author=request.user, text=note.text)
            for note in formset.save(commit=False)
            if note.text.strip()
        ]

    @admin.display(description="name", ordering="last_name")
    def name(self, obj):
        return obj.display_name

    @admin.display(description="phone")
    def phone_display(self, obj):
        if not obj.phone:
            return "-"
        return format_html('<a href="tel:{}">{}</a>', obj.phone, for_display(obj.phone))

    @admin.display(description="assigned to", ordering="assigned_to__last_name")
    def assignee(self, obj):
        if obj.assigned_to is None:
            return "-"
        return obj.assigned_to.get_full_name() or obj.assigned_to.get_username()

    @admin.display(description="status", ordering="status")
    def status_and_tries(self, obj):
        """Show the status, the number of tries to reach them, and a hint for "No response"."""
        count = getattr(obj, "attempt_count", 0)
        if not count:
            return obj.get_status_display()
        suggest = (
            obj.status in OPEN_STATUSES
            and not obj.reached
            and count >= settings.CONTACT_ATTEMPTS_BEFORE_NO_RESPONSE
        )
        return format_html(
            '{}<br><span class="inbox-tries">{} {}</span>{}',
            obj.get_status_display(),
            count,
            "try" if count == 1 else "tries",
            format_html('<br><span class="inbox-suggest">{}</span>', "No response?")
            if suggest
            else "",
        )

    @admin.display(description="follow-up", ordering="follow_up_on")
    def follow_up(self, obj):
        return date_format(obj.follow_up_on, "j M") if obj.follow_up_on else "-"

    @admin.display(description="age", ordering="created")
    def age(self, obj):
        """Show how long ago it arrived ("20 h"), red past its target; the exact time on hover.

        Urgent requests say so here: their target is URGENT_TARGET_HOURS, not the inbox's.
        """
        elapsed = timezone.now() - obj.created
        target = settings.URGENT_TARGET_HOURS if obj.urgent else settings.INBOX_TARGET_HOURS
        overdue = obj.status in OPEN_STATUSES and elapsed > datetime.timedelta(hours=target)
        css = "inbox-age inbox-age--overdue" if overdue else "inbox-age"
        arrived = timezone.localtime(obj.created)
        age = format_html(
            '<span class="{}" title="Arrived {}">{}</span>',
            css,
            f"{arrived:%a %-d %b %Y, %-I:%M %p} {arrived.tzname()}",
            _short_age(elapsed),
        )
        if not obj.urgent:
            return age
        return format_html('<strong class="inbox-urgent">Urgent</strong><br>{}', age)

    @admin.display(description="repeat")
    def repeat_of(self, obj):
        if obj.duplicate_of is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', obj.duplicate_of.get_admin_url(), obj.duplicate_of.reference
        )

    @admin.display(description="best times to reach them")
    def best_times_display(self, obj):
        return _labels(BestTime, obj.best_times)

    @admin.display(description="would like help with")
    def conditions_display(self, obj):
        return _labels(Condition, obj.conditions)

    @admin.action(description="Assign to me")
    def assign_to_me(self, request, queryset):
        self._report(
            request,
            services.update_requests(
                requests=queryset, actor=request.user, assigned_to=request.user
            ),
        )

    @admin.action(description="Mark as contacting")
    def mark_contacting(self, request, queryset):
        self._report(
            request,
            services.update_requests(
                requests=queryset, actor=request.user, status=Status.CONTACTING
            ),
        )

    @admin.action(description="Close")
    def close(self, request, queryset):
        self._report(
            request,
            services.update_requests(requests=queryset, actor=request.user, status=Status.CLOSED),
        )

    @admin.action(description="Mark as spam")
    def mark_spam(self, request, queryset):
        self._report(
            request,
            services.update_requests(requests=queryset, actor=request.user, status=Status.SPAM),
        )

    @admin.action(description="Log a call: no answer")
    def log_no_answer(self, request, queryset):
        self._log_attempts(request, queryset, ContactOutcome.CALLED_NO_ANSWER)

    @admin.action(description="Log a call: left a voicemail")
    def log_voicemail(self, request, queryset):
        self._log_attempts(request, queryset, ContactOutcome.CALLED_VOICEMAIL)

    @admin.action(description="Log an email sent")
    def log_emailed(self, request, queryset):
        self._log_attempts(request, queryset, ContactOutcome.EMAILED)

    @admin.action(description="Log a text sent")
    def log_texted(self, request, queryset):
        self._log_attempts(request, queryset, ContactOutcome.TEXTED)

    def _log_attempts(self, request, queryset, outcome: str) -> None:
        """Log the same attempt on each request that allows it; name the ones that do not."""
        label = ContactOutcome(outcome).label
        logged = 0
        for obj in queryset:
            try:
                services.log_contact_attempt(request=obj, actor=request.user, outcome=outcome)
            except services.ContactNotAllowed as refusal:
                self.message_user(
                    request, f"{obj.reference}: not logged. {refusal}", messages.WARNING
                )
            else:
                logged += 1
        if logged:
            self.message_user(request, f"“{label}” logged on {logged} request(s).")

    def _report(self, request, count: int) -> None:
        self.message_user(request, f"{count} request{'s' if count != 1 else ''} updated.")


def _flatten(fields):
    for field in fields:
        yield from (field if isinstance(field, tuple) else (field,))


def _labels(choices, values) -> str:
    labels = dict(choices.choices)
    return ", ".join(labels.get(value, value) for value in values) or "-"


def _short_age(elapsed: datetime.timedelta) -> str:
    hours = int(elapsed.total_seconds() // 3600)
    if hours < 1:
        return f"{int(elapsed.total_seconds() // 60)} min"
    if hours < 48:
        return f"{hours} h"
    return f"{hours // 24} d"


def _render(response) -> None:
    """Render a template response now, while the clinic's time zone is active."""
    if hasattr(response, "render"):
        response.render()


def _as_reference(term: str) -> str:
    """Return the reference a term spells with or without its dash ('' if it cannot be one)."""
    compact = "".join(ch for ch in term.upper() if ch.isalnum())
    reference = f"{compact[:3]}-{compact[3:]}"
    return reference if REFERENCE.fullmatch(reference) else ""


def _exact_matches(queryset, term: str):
    """Return the requests an email, phone number or reference names, or None for other text.

    Each is one indexed lookup; names never hold "@", and a reference is 3 + 4 characters of
    its own alphabet, which no phone number written with its area code matches.
    """
    if "@" in term:
        return queryset.filter(email_normalised=services.normalise_email(term))
    if REFERENCE.fullmatch(term.upper()):
        return queryset.filter(reference=term.upper())
    phone = as_e164(term)
    if phone:
        return queryset.filter(phone=phone)
    return None
