"""Consultation requests, what staff do with them, and who looked at them."""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .choices import (
    OPEN_STATUSES,
    BestTime,
    Condition,
    ContactMethod,
    ContactOutcome,
    HowHeard,
    Status,
    USState,
)
from .scheduling_models import (  # noqa: F401 (the app's models are the ones models.py holds)
    CallBooking,
    Caller,
    CallHours,
    CallStatus,
    SchedulingSettings,
    TimeOff,
)

MESSAGE_MAX_LENGTH = 2000
NAME_MAX_LENGTH = 100


class ConsultationRequestQuerySet(models.QuerySet):
    def open(self):
        """Return the requests someone still has to act on."""
        return self.filter(status__in=OPEN_STATUSES)

    def past_target(self):
        """Return the requests older than their target: URGENT_TARGET_HOURS if urgent."""
        return self.filter(past_target_q())


def past_target_q() -> models.Q:
    """Return the condition "older than its target", for filters and counts alike."""
    now = timezone.now()
    urgent_since = now - datetime.timedelta(hours=settings.URGENT_TARGET_HOURS)
    routine_since = now - datetime.timedelta(hours=settings.INBOX_TARGET_HOURS)
    return models.Q(urgent=True, created__lt=urgent_since) | models.Q(
        urgent=False, created__lt=routine_since
    )


class ConsultationRequest(models.Model):
    """A patient's request for a free consultation, as they typed it, plus staff's handling."""

    reference = models.CharField(max_length=8, editable=False)  # unique: see Meta
    form_token = models.UUIDField(
        unique=True, editable=False, help_text="One per form shown: a second submit is a repeat."
    )
    created = models.DateTimeField(auto_now_add=True, db_index=True)
    updated = models.DateTimeField(auto_now=True)

    # What the patient sent (read-only to staff).
    first_name = models.CharField(max_length=NAME_MAX_LENGTH)
    last_name = models.CharField(max_length=NAME_MAX_LENGTH)
    preferred_name = models.CharField("name they go by", max_length=NAME_MAX_LENGTH, blank=True)
    email = models.EmailField(blank=True)
    email_normalised = models.CharField(max_length=254, blank=True, editable=False)
    phone = models.CharField(max_length=20, blank=True, help_text="International format, e.g. +1…")
    preferred_contact = models.CharField(max_length=10, choices=ContactMethod)
    ok_voicemail = models.BooleanField("OK to leave a voicemail", default=False)
    ok_text = models.BooleanField("OK to text", default=False)
    ok_name_clinic = models.BooleanField(
        "OK to say the clinic's name or “ketamine” in a voicemail or text", default=False
    )
    best_times = ArrayField(
        models.CharField(max_length=10, choices=BestTime), default=list, blank=True
    )
    state = models.CharField("US state", max_length=2, choices=USState)
    conditions = ArrayField(
        models.CharField(max_length=20, choices=Condition), default=list, blank=True
    )
    message = models.TextField(blank=True, max_length=MESSAGE_MAX_LENGTH)
    how_heard = models.CharField(
        "how they heard of us", max_length=10, choices=HowHeard, blank=True
    )
    is_adult = models.BooleanField("confirmed 18 or older", default=False)
    privacy_notice_version = models.CharField(max_length=20)
    consented_at = models.DateTimeField()
    came_from = models.CharField(
        "came from article", max_length=200, blank=True, help_text="The article page they read."
    )

    # Staff handling.
    status = models.CharField(max_length=20, choices=Status, default=Status.NEW)
    urgent = models.BooleanField(
        default=False, db_index=True, help_text="The message used words that may mean a crisis."
    )
    spam_reason = models.CharField(max_length=40, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="repeats",
        help_text="An earlier open request from the same email or phone.",
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_requests",
    )
    legal_hold = models.BooleanField(
        default=False, help_text="Keep this request whole: the retention clean-up skips it."
    )
    follow_up_on = models.DateField(
        "follow up on",
        null=True,
        blank=True,
        help_text="The day to try them again. The inbox's “Follow-up” filter lists who is due.",
    )
    first_contacted_at = models.DateTimeField(
        "first contact attempt", null=True, blank=True, editable=False
    )
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ConsultationRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "consultation request"
        ordering = ["-urgent", "created"]
        permissions = [
            ("view_metrics", "Can see the clinic's numbers (counts and times, no patient details)")
        ]
        # Text columns are indexed here rather than with unique=True or db_index=True, which
        # also add a second, pattern-matching index per column: the inbox looks these up only
        # exactly, and every extra index is written on every submission.
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="consult_reference_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="consultation_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(anonymised_at__isnull=False) | ~models.Q(email="", phone=""),
                name="consultation_has_contact",
            ),
            models.CheckConstraint(
                condition=models.Q(is_adult=True) | models.Q(anonymised_at__isnull=False),
                name="consultation_is_adult",
            ),
            # The preferred way to reach them must be one they gave us and allowed. (An
            # anonymised request keeps none.) The form says so kindly first; submit's
            # full_clean checks these before any INSERT, whose failure PostgreSQL would log.
            models.CheckConstraint(
                condition=~models.Q(preferred_contact=ContactMethod.TEXT)
                | (models.Q(ok_text=True) & ~models.Q(phone=""))
                | models.Q(anonymised_at__isnull=False),
                name="consultation_text_is_allowed",
                violation_error_message="To be contacted by text, allow texts and give a phone "
                "number, or choose another way to contact you.",
            ),
            models.CheckConstraint(
                condition=~models.Q(preferred_contact=ContactMethod.EMAIL)
                | ~models.Q(email="")
                | models.Q(anonymised_at__isnull=False),
                name="consultation_email_is_given",
                violation_error_message="Enter your email address, or choose another way to "
                "contact you.",
            ),
            models.CheckConstraint(
                condition=~models.Q(preferred_contact=ContactMethod.CALL)
                | ~models.Q(phone="")
                | models.Q(anonymised_at__isnull=False),
                name="consultation_phone_is_given",
                violation_error_message="Enter your phone number, or choose email instead.",
            ),
        ]
        indexes = [
            # The inbox's default view (open requests, urgent first, oldest first) in index order.
            models.Index(
                fields=["-urgent", "created"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="consult_open_inbox_idx",
            ),
            # The inbox's date links find the first and last open request: without this, the
            # first meant walking every closed request since the clinic opened (65 ms at 100k).
            models.Index(
                fields=["created"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="consult_open_created_idx",
            ),
            models.Index(fields=["state"], name="consult_state_idx"),
            models.Index(fields=["status"], name="consult_status_idx"),
            models.Index(fields=["email_normalised"], name="consult_email_idx"),  # inbox search
            models.Index(fields=["phone"], name="consult_phone_idx"),  # inbox search
            GinIndex(fields=["conditions"], name="consult_conditions_idx"),  # the condition filter
        ]

    def __str__(self):
        return self.reference

    def get_admin_url(self) -> str:
        return reverse("admin:bookings_consultationrequest_change", args=[self.pk])

    @property
    def display_name(self) -> str:
        """Return the name to greet them by, as they wrote it."""
        return self.preferred_name or f"{self.first_name} {self.last_name}".strip()


class StatusChange(models.Model):
    """One move of a request from one status to another: who, when, from and to."""

    request = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=Status, blank=True)
    to_status = models.CharField(max_length=20, choices=Status)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at"]
        get_latest_by = "changed_at"

    def __str__(self):
        return f"Moved to {self.get_to_status_display()}"


class Note(models.Model):
    """An internal note by staff about a request. Notes are only ever added, never edited."""

    request = models.ForeignKey(ConsultationRequest, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    text = models.TextField(max_length=4000)

    class Meta:
        ordering = ["created"]

    def __str__(self):
        # In the time zone active for the page (the clinic's on staff screens), not UTC.
        return f"Note by {self.author} at {timezone.localtime(self.created):%Y-%m-%d %H:%M}"


class ContactAttempt(models.Model):
    """One try to reach the patient (a call, an email, a text): how it went, who, and when."""

    request = models.ForeignKey(
        ConsultationRequest, on_delete=models.CASCADE, related_name="contact_attempts"
    )
    outcome = models.CharField("what happened", max_length=20, choices=ContactOutcome)
    note = models.CharField(
        max_length=500, blank=True, help_text="Optional, e.g. “asked to call back after 3 pm”."
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at"]
        verbose_name = "contact attempt"

    def __str__(self):
        return f"{self.get_outcome_display()} at {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class AccessLogEntry(models.Model):
    """A staff member saw requests: who, when, on which page, asking what, and which were shown.

    An audit record, never edited. The query holds what staff searched or filtered by (it may
    be a patient's email), which is why only superusers can read this table.
    """

    class Page(models.TextChoices):
        LIST = "list", "Inbox list"
        CHANGE = "change", "Request page"
        HISTORY = "history", "History page"
        HOME = "home", "Staff home"
        METRICS = "metrics", "Clinic's numbers (download)"
        AGENDA = "agenda", "Call agenda"

    request = models.ForeignKey(
        ConsultationRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_log",
        help_text="The request opened, on a page about one request.",
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    page = models.CharField(max_length=10, choices=Page, default=Page.CHANGE)
    query = models.TextField(
        "asked for", blank=True, help_text="The search and filters, as in the page's address."
    )
    references = ArrayField(
        models.CharField(max_length=8),
        default=list,
        blank=True,
        help_text="The references of every request the page showed.",
    )

    class Meta:
        verbose_name = "access log entry"
        verbose_name_plural = "access log"
        ordering = ["-viewed_at"]
        indexes = [GinIndex(fields=["references"], name="access_references_idx")]

    def __str__(self):
        shown = self.request or f"{len(self.references)} request(s)"
        return f"{self.user} viewed {shown} at {self.viewed_at:%Y-%m-%d %H:%M}"


class RetentionRun(models.Model):
    """One run of the `anonymise_requests` clean-up: when, the cut-off, and what it wiped."""

    ran_at = models.DateTimeField(auto_now_add=True)
    cutoff = models.DateTimeField()
    anonymised_count = models.PositiveIntegerField()
    references = models.TextField(blank=True, help_text="The references it anonymised.")

    class Meta:
        ordering = ["-ran_at"]

    def __str__(self):
        return f"Retention run {self.ran_at:%Y-%m-%d %H:%M}: {self.anonymised_count} anonymised"
