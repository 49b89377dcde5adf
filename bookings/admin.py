"""The front desk's inbox of consultation requests, and the superuser's audit pages."""

import datetime
import re

import phonenumbers
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.html import format_html

from . import admin_audit, services  # noqa: F401 (admin_audit registers the audit pages)
from .admin_filters import AssignedFilter, ConditionFilter, StatusFilter
from .choices import OPEN_STATUSES, BestTime, Condition, Status
from .models import AccessLogEntry, ConsultationRequest, Note, StatusChange

REFERENCE = re.compile(
    rf"[{services.REFERENCE_ALPHABET}]{{3}}-[{services.REFERENCE_ALPHABET}]{{4}}"
)

EDITABLE_FIELDS = ("status", "assigned_to", "legal_hold")
# The query parameters of the sidebar's filters and the date links. Any other lookup, such as
# ?message__icontains=..., is refused (400): it would be a search through what patients wrote.
FILTER_PARAMETERS = frozenset(
    {
        StatusFilter.parameter_name,
        AssignedFilter.parameter_name,
        ConditionFilter.parameter_name,
        "urgent__exact",
        "state__exact",
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


@admin.register(ConsultationRequest)
class ConsultationRequestAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "name",
        "preferred_contact",
        "urgent_flag",
        "status",
        "assigned_to",
        "age",
        "repeat_of",
    )
    list_display_links = ("reference", "name")
    list_filter = (StatusFilter, AssignedFilter, "urgent", ConditionFilter, "state", "created")
    list_select_related = ("assigned_to", "duplicate_of")
    search_fields = ("first_name", "last_name", "preferred_name")
    search_help_text = "Search by name, email, phone number or reference."
    date_hierarchy = "created"
    # "N results" without a count of the whole table on every page view (100,000+ rows).
    show_full_result_count = False
    ordering = ("-urgent", "created")
    actions = ("assign_to_me", "mark_contacting", "close", "mark_spam")
    inlines = (StatusChangeInline, NoteInline, AddNoteInline)
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
            kwargs["queryset"] = get_user_model().objects.filter(is_staff=True, is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        """Find an email, phone number or reference exactly (by index), anything else by name."""
        exact = _exact_matches(queryset, search_term.strip())
        if exact is not None:
            return exact, False
        return super().get_search_results(request, queryset, search_term)

    def has_add_permission(self, request):
        return False  # requests only come from the website's form

    def has_delete_permission(self, request, obj=None):
        return False  # old requests are anonymised (anonymise_requests), never deleted

    def lookup_allowed(self, lookup, value, request=None):
        """Allow only the filters the sidebar offers: no ?message__icontains=... by hand."""
        return lookup in FILTER_PARAMETERS and super().lookup_allowed(lookup, value, request)

    def changelist_view(self, request, extra_context=None):
        """Show the inbox, recording who saw which requests and what they searched for."""
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            self._record(request, AccessLogEntry.Page.LIST, shown=changelist.result_list)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Show a request (also when a POST is shown again with errors), recording who saw it."""
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = getattr(response, "context_data", {}).get("original")
        if obj is not None:
            self._record(request, AccessLogEntry.Page.CHANGE, obj=obj)
        return response

    def history_view(self, request, object_id, extra_context=None):
        """Show a request's change history, recording who saw it."""
        response = super().history_view(request, object_id, extra_context)
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
        )

    def save_formset(self, request, form, formset, change):
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

    @admin.display(description="urgent", ordering="-urgent")
    def urgent_flag(self, obj):
        if not obj.urgent:
            return ""
        return format_html('<strong class="{}">{}</strong>', "inbox-urgent", "Urgent")

    @admin.display(description="phone")
    def phone_display(self, obj):
        if not obj.phone:
            return "-"
        number = phonenumbers.parse(obj.phone)
        region = phonenumbers.region_code_for_number(number)
        style = phonenumbers.PhoneNumberFormat
        shown = phonenumbers.format_number(
            number, style.NATIONAL if region == "US" else style.INTERNATIONAL
        )
        return format_html('<a href="tel:{}">{}</a>', obj.phone, shown)

    @admin.display(description="age", ordering="created")
    def age(self, obj):
        elapsed = timezone.now() - obj.created
        overdue = obj.status in OPEN_STATUSES and elapsed > datetime.timedelta(
            hours=settings.INBOX_TARGET_HOURS
        )
        css = "inbox-age inbox-age--overdue" if overdue else "inbox-age"
        return format_html('<span class="{}">{}</span>', css, _short_age(elapsed))

    @admin.display(description="repeat of")
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


def _exact_matches(queryset, term: str):
    """Return the requests an email, phone number or reference names, or None for other text.

    Each is one indexed lookup; names never hold "@", and a reference is 3 + 4 characters of
    its own alphabet, which no phone number written with its area code matches.
    """
    if "@" in term:
        return queryset.filter(email_normalised=services.normalise_email(term))
    if REFERENCE.fullmatch(term.upper()):
        return queryset.filter(reference=term.upper())
    phone = _as_e164(term)
    if phone:
        return queryset.filter(phone=phone)
    return None


def _as_e164(term: str) -> str:
    try:
        number = phonenumbers.parse(term, "US")
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
