"""Everything that changes consultation requests: submitting, triage, notes, access, retention.

Views, forms and the admin call these functions and never save requests themselves.
"""

import datetime
import secrets
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from clinic_site.crisis import mentions_crisis

from . import tasks
from .choices import OPEN_STATUSES, Status
from .models import AccessLogEntry, ConsultationRequest, Note, RetentionRun, StatusChange

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a reference read out over the phone cannot be misheard.
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
UNCHANGED = object()


def new_reference() -> str:
    """Return a random reference such as 'K7F-Q2XM' (25**7, about six billion, possibilities)."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))
    return f"{chars[:3]}-{chars[3:]}"


def normalise_email(email: str) -> str:
    """Return the email in the form used to spot repeat requests."""
    return email.strip().lower()


def submit_consultation_request(
    *, data: dict, form_token: uuid.UUID, spam_reason: str = ""
) -> ConsultationRequest:
    """Store a request and queue its notifications, once per form token.

    `data` holds the model's fields as the patient's form cleaned them. A second submit of the
    same form (double click, retry after a timeout) returns the request the first one stored.
    Suspected spam is stored too, with status spam and no notifications. The unique form token
    and reference decide inside one transaction: a repeat token rolls back and returns the
    first request, and a reference collision (about one in six billion) runs the transaction
    again with a new reference.
    """
    for _ in range(5):
        reference = new_reference()
        try:
            with transaction.atomic():
                request = _create_request(data, reference, form_token, spam_reason)
                if not spam_reason:
                    tasks.enqueue_notifications(request)
            return request
        except IntegrityError:
            # The same token already stored (a double click, possibly racing itself).
            existing = ConsultationRequest.objects.filter(form_token=form_token).first()
            if existing is not None:
                return existing
            if not ConsultationRequest.objects.filter(reference=reference).exists():
                raise
    raise IntegrityError("No free reference after 5 draws")


def _create_request(data, reference, form_token, spam_reason) -> ConsultationRequest:
    request = ConsultationRequest(
        **data,
        reference=reference,
        form_token=form_token,
        email_normalised=normalise_email(data.get("email", "")),
        urgent=mentions_crisis(data.get("message", "")),
        privacy_notice_version=settings.PRIVACY_NOTICE_VERSION,
        consented_at=timezone.now(),
        status=Status.SPAM if spam_reason else Status.NEW,
        spam_reason=spam_reason,
    )
    if not spam_reason:
        request.duplicate_of = open_request_from_same_person(
            email_normalised=request.email_normalised, phone=request.phone
        )
    request.save(force_insert=True)
    StatusChange.objects.create(request=request, from_status="", to_status=request.status)
    return request


def open_request_from_same_person(
    *, email_normalised: str, phone: str
) -> ConsultationRequest | None:
    """Return the earliest open request with the same email or phone, if any.

    An empty email or phone matches nobody: many requests leave one of them out.
    """
    same_person = Q()
    if email_normalised:
        same_person |= Q(email_normalised=email_normalised)
    if phone:
        same_person |= Q(phone=phone)
    if not same_person:
        return None
    return ConsultationRequest.objects.open().filter(same_person).order_by("created").first()


def update_requests(
    *,
    requests: Iterable[ConsultationRequest],
    actor: AbstractBaseUser,
    status: str | None = None,
    assigned_to=UNCHANGED,
    legal_hold: bool | None = None,
) -> int:
    """Change the status, assignee or legal hold of requests, recording every status change.

    Every way staff change a request (the change page, each bulk action) goes through here.
    Return how many requests changed.
    """
    changed = 0
    with transaction.atomic():
        for request in requests:
            fields = []
            if status is not None and status != request.status:
                StatusChange.objects.create(
                    request=request, from_status=request.status, to_status=status, changed_by=actor
                )
                request.status = status
                fields.append("status")
            if assigned_to is not UNCHANGED and assigned_to != request.assigned_to:
                request.assigned_to = assigned_to
                fields.append("assigned_to")
            if legal_hold is not None and legal_hold != request.legal_hold:
                request.legal_hold = legal_hold
                fields.append("legal_hold")
            if fields:
                request.save(update_fields=[*fields, "updated"])
                changed += 1
    return changed


def add_note(*, request: ConsultationRequest, author: AbstractBaseUser, text: str) -> Note:
    """Append an internal note to a request, signed by its author and timed now."""
    return Note.objects.create(request=request, author=author, text=text)


def record_access(*, request: ConsultationRequest, user: AbstractBaseUser) -> AccessLogEntry:
    """Record that a staff member opened a request."""
    return AccessLogEntry.objects.create(request=request, user=user)


def requests_due_for_anonymising(*, now: datetime.datetime, days: int):
    """Return finished requests older than `days`, not on legal hold, not yet anonymised."""
    return (
        ConsultationRequest.objects.exclude(status__in=OPEN_STATUSES)
        .filter(
            created__lt=now - datetime.timedelta(days=days),
            legal_hold=False,
            anonymised_at__isnull=True,
        )
        .order_by("created")
    )


def anonymise_requests(*, now: datetime.datetime, days: int) -> RetentionRun:
    """Wipe contact details and free text from old closed requests, and record the run."""
    with transaction.atomic():
        due = list(requests_due_for_anonymising(now=now, days=days).select_for_update())
        for request in due:
            _anonymise(request, now)
        return RetentionRun.objects.create(
            cutoff=now - datetime.timedelta(days=days),
            anonymised_count=len(due),
            references=", ".join(r.reference for r in due),
        )


def _anonymise(request: ConsultationRequest, now: datetime.datetime) -> None:
    for field in ("first_name", "last_name", "preferred_name", "email", "email_normalised"):
        setattr(request, field, "")
    request.phone = request.message = request.came_from = request.how_heard = ""
    request.best_times, request.conditions = [], []
    request.anonymised_at = now
    request.save()
    request.notes.update(text="[removed by the retention clean-up]")
