"""Everything that changes consultation requests: submitting, triage, notes, access, retention.

Views, forms and the admin call these functions and never save requests themselves.
"""

import datetime
import secrets
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from clinic_site.crisis import mentions_crisis
from staff.roles import FRONT_DESK

from . import scheduling, tasks
from .choices import OPEN_STATUSES, REACHED_OUTCOMES, ContactOutcome, Status
from .models import (
    AccessLogEntry,
    CallBooking,
    CallStatus,
    ConsultationRequest,
    ContactAttempt,
    Note,
    RetentionRun,
    StatusChange,
)

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a reference read out over the phone cannot be misheard.
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
UNCHANGED = object()
QUERY_MAX_LENGTH = 2000


def new_reference() -> str:
    """Return a random reference such as 'K7F-Q2XM' (25**7, about six billion, possibilities)."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(7))
    return f"{chars[:3]}-{chars[3:]}"


def normalise_email(email: str) -> str:
    """Return the email in the form used to spot repeat requests."""
    return email.strip().lower()


def submit_consultation_request(
    *,
    data: dict,
    form_token: uuid.UUID,
    spam_reason: str = "",
    call_at: datetime.datetime | None = None,
) -> ConsultationRequest:
    """Store a request (and book its call at `call_at`), queue its notifications, once per token.

    `data` holds the model's fields as the patient's form cleaned them. A second submit of the
    same form (double click, retry after a timeout) returns the request the first one stored.
    Suspected spam is stored too, with status spam and no notifications.

    No statement carrying patient data may fail: PostgreSQL writes a failing statement, and a
    CHECK constraint's "Failing row contains (...)", to its server log, which the retention
    clean-up cannot reach. So a repeat is looked up by its token first; the row is validated
    against the model and its constraints in Python before it is sent; and the INSERT is
    `ON CONFLICT DO NOTHING` (`bulk_create(ignore_conflicts=True)`), so a repeat racing in
    parallel waits for the first insert and then inserts nothing instead of failing. Reading
    the token back tells which happened: our reference means this call stored it, another
    means a repeat, none means only the reference was taken (about one in six billion) and
    the next draw runs.

    When the patient picked a call time, the call is booked in the same transaction: if
    nobody is free then any more (someone booked it a moment before), scheduling.SlotTaken
    is raised and nothing is stored, so the form can be shown again with all their answers.
    """
    existing = ConsultationRequest.objects.filter(form_token=form_token).first()
    if existing is not None:
        return existing
    # Checked before the transaction opens: inside one, Django runs each constraint's check
    # in a savepoint of its own, three round trips instead of one.
    request = _new_request(data, form_token, spam_reason)
    for _ in range(5):
        request.reference = new_reference()
        with transaction.atomic():
            ConsultationRequest.objects.bulk_create([request], ignore_conflicts=True)
            stored = ConsultationRequest.objects.filter(form_token=form_token).first()
            if stored is not None and stored.reference != request.reference:
                return stored  # a repeat that raced this one and won
            if stored is not None:
                StatusChange.objects.create(request=stored, from_status="", to_status=stored.status)
                if not spam_reason:
                    if call_at is not None:
                        scheduling.book_call(request=stored, start=call_at)
                    tasks.enqueue_notifications(stored)
                return stored
    raise IntegrityError("No free reference after 5 draws")


def _new_request(data, form_token, spam_reason) -> ConsultationRequest:
    """Return the unsaved request, checked against every field and constraint of the model.

    Its reference is drawn by the caller, once per try.
    """
    request = ConsultationRequest(
        **data,
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
    # The reference and token are unique by ON CONFLICT above; everything else is checked
    # here, where a failure is a ValidationError and not a logged INSERT.
    request.full_clean(exclude=["reference"], validate_unique=False)
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
    follow_up_on=UNCHANGED,
) -> int:
    """Change the status, assignee, follow-up day or legal hold, recording every status change.

    Every way staff change a request (the change page, each bulk action) goes through here.
    Return how many requests changed.
    """
    if status is not None and status not in Status.values:
        # Never let the database refuse it: its error would log the whole row.
        raise ValueError(f"Unknown status {status!r}")
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
            if follow_up_on is not UNCHANGED and follow_up_on != request.follow_up_on:
                request.follow_up_on = follow_up_on
                fields.append("follow_up_on")
            if fields:
                request.save(update_fields=[*fields, "updated"])
                changed += 1
    return changed


def add_note(*, request: ConsultationRequest, author: AbstractBaseUser, text: str) -> Note:
    """Append an internal note to a request, signed by its author and timed now."""
    return Note.objects.create(request=request, author=author, text=text)


def front_desk_people():
    """Return the active staff who can see requests (front desk and superusers), by name."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(Q(groups__name=FRONT_DESK) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class ContactNotAllowed(ValueError):
    """The patient did not allow, or gave us no way for, this kind of contact."""


def contact_options(*, request: ConsultationRequest) -> list[str]:
    """Return the contact outcomes staff may log for this patient, as their answers allow.

    Calls need a phone number, a voicemail needs "OK to leave a voicemail", a text needs a
    phone number and "OK to text", an email needs an email address.
    """
    return [outcome for outcome in ContactOutcome.values if not _refusal(request, outcome)]


def _refusal(request: ConsultationRequest, outcome: str) -> str:
    """Return why `outcome` may not be logged for this patient ('' when it may)."""
    name = request.display_name
    if outcome not in ContactOutcome.values:
        return f"“{outcome}” is not a kind of contact attempt."
    if outcome == ContactOutcome.EMAILED:
        return "" if request.email else f"{name} gave no email address."
    if not request.phone:
        return f"{name} gave no phone number."
    if outcome == ContactOutcome.CALLED_VOICEMAIL and not request.ok_voicemail:
        return f"{name} did not allow voicemails: do not leave one."
    if outcome == ContactOutcome.TEXTED and not request.ok_text:
        return f"{name} did not allow texts: do not text them."
    return ""


def log_contact_attempt(
    *,
    request: ConsultationRequest,
    actor: AbstractBaseUser,
    outcome: str,
    note: str = "",
) -> ContactAttempt:
    """Record one try to reach the patient, refusing a kind of contact they did not allow.

    The first attempt sets when the request was first contacted, and moves a New request to
    Contacting (through update_requests, so the status history shows it). Nothing else
    changes status: after several unanswered tries the inbox only suggests "No response".
    """
    refusal = _refusal(request, outcome)
    if refusal:
        raise ContactNotAllowed(refusal)
    with transaction.atomic():
        request = ConsultationRequest.objects.select_for_update().get(pk=request.pk)
        attempt = ContactAttempt.objects.create(
            request=request, outcome=outcome, note=note.strip(), by=actor
        )
        if request.first_contacted_at is None:
            request.first_contacted_at = attempt.at
            request.save(update_fields=["first_contacted_at", "updated"])
        if request.status == Status.NEW:
            update_requests(requests=[request], actor=actor, status=Status.CONTACTING)
    return attempt


def suggests_no_response(*, request: ConsultationRequest) -> bool:
    """Return whether the request has had enough unanswered tries to suggest "No response".

    Only a suggestion to staff: the status is never changed for them.
    """
    if request.status not in OPEN_STATUSES:
        return False
    attempts = list(request.contact_attempts.values_list("outcome", flat=True))
    return not set(attempts) & set(REACHED_OUTCOMES) and (
        len(attempts) >= settings.CONTACT_ATTEMPTS_BEFORE_NO_RESPONSE
    )


def record_access(
    *,
    user: AbstractBaseUser,
    request: ConsultationRequest | None = None,
    shown: Iterable[ConsultationRequest] | None = None,
    page: str = AccessLogEntry.Page.CHANGE,
    query: str = "",
) -> AccessLogEntry:
    """Record that a staff member saw requests: one `request`'s page, or the list `shown`.

    `query` is what they asked for (search and filters); it is cut at QUERY_MAX_LENGTH.
    """
    shown = [request] if shown is None and request is not None else list(shown or [])
    return AccessLogEntry.objects.create(
        user=user,
        request=request,
        page=page,
        query=query[:QUERY_MAX_LENGTH],
        references=[r.reference for r in shown],
    )


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
    """Anonymise old closed requests, keeping only what the clinic's numbers need.

    A request keeps its reference, the day it arrived, its status and when it was anonymised
    (ANONYMISED_KEEPS). Everything else the patient sent or staff wrote about them is cleared
    or coarsened to the day, including links from other requests, note authors, status
    change actors, and the search words of access log entries that showed it. Record the run.
    """
    cutoff = now - datetime.timedelta(days=days)
    with transaction.atomic():
        due = list(requests_due_for_anonymising(now=now, days=days).select_for_update())
        for request in due:
            _anonymise(request, now)
        references = [r.reference for r in due]
        ConsultationRequest.objects.filter(duplicate_of__in=due).update(duplicate_of=None)
        AccessLogEntry.objects.filter(
            Q(viewed_at__lt=cutoff) | Q(references__overlap=references)
        ).exclude(query="").update(query="")
        return RetentionRun.objects.create(
            cutoff=cutoff, anonymised_count=len(due), references=", ".join(references)
        )


ANONYMISED_KEEPS = ("reference", "created (the day only)", "status", "anonymised_at")
REMOVED_NOTE = "[removed by the retention clean-up]"


def _anonymise(request: ConsultationRequest, now: datetime.datetime) -> None:
    day = _start_of_day(request.created)
    ConsultationRequest.objects.filter(pk=request.pk).update(
        # A new token: the old one may be in PostgreSQL's log beside an old error.
        form_token=uuid.uuid4(),
        created=day,
        updated=now,
        first_name="",
        last_name="",
        preferred_name="",
        email="",
        email_normalised="",
        phone="",
        preferred_contact="",
        ok_voicemail=False,
        ok_text=False,
        ok_name_clinic=False,
        best_times=[],
        state="",
        conditions=[],
        message="",
        how_heard="",
        is_adult=False,
        privacy_notice_version="",
        consented_at=day,
        came_from="",
        urgent=False,
        spam_reason="",
        duplicate_of=None,
        assigned_to=None,
        follow_up_on=None,
        first_contacted_at=None,
        anonymised_at=now,
    )
    request.notes.update(text=REMOVED_NOTE, author=None, created=day)
    request.contact_attempts.update(note="", by=None, at=day)
    request.status_changes.update(changed_by=None, changed_at=day)


def _start_of_day(moment: datetime.datetime) -> datetime.datetime:
    """Return midnight of the day `moment` falls on, in the clinic's time zone."""
    local = timezone.localtime(moment)
    return timezone.make_aware(datetime.datetime.combine(local.date(), datetime.time()))


def missed_call(*, booking: CallBooking, actor) -> None:
    """Log "called: no answer", free the time, and email them to pick a new one if we may.

    The email says only that we missed them and links to the form; the calendar file it
    carries removes the old time.
    """
    with transaction.atomic():
        log_contact_attempt(
            request=booking.request, actor=actor, outcome=ContactOutcome.CALLED_NO_ANSWER
        )
        booking.status = CallStatus.CANCELLED
        booking.sequence += 1
        booking.save(update_fields=["status", "sequence", "updated"])
        tasks.enqueue_call_email(booking, kind="missed")
