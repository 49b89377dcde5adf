"""Booking consultation calls: the free times now, booking one, and moving or cancelling it.

The free times come from bookings/slots.py (a pure function) fed with the admin's rules. The
database has the last word on double booking: CallBooking's exclusion constraint refuses a
second booked call overlapping a caller's call (break included), so two patients who pick the
same time at the same moment get one call and one "just taken" page, never two calls.

The manage link and how a call time reads are in bookings/call_links.py.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, OperationalError, transaction
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone
from psycopg.errors import DeadlockDetected

from pages.models import ClinicProfile

from . import call_links, slots, tasks
from .models import CallBooking, CallHours, CallStatus, SchedulingSettings, TimeOff

CALL_TIME_FORMAT = "%Y-%m-%dT%H:%MZ"  # a call time in a form: UTC, to the minute, nothing else
NEAREST_COUNT = 3


class SlotTaken(Exception):
    """Nobody is free at the time picked any more (booked just now, or now too soon)."""


@dataclass(frozen=True)
class Offer:
    """What the form offers: the free call times, and the rules they were laid out by."""

    times: list[datetime.datetime]
    rules: slots.Rules
    too_soon_until: datetime.datetime  # nothing is offered before this (minimum notice)


def scheduling_settings() -> SchedulingSettings | None:
    """Return the scheduling settings if patients may pick a time online, else None."""
    found = SchedulingSettings.objects.load()
    return found if found.enabled else None


def rules_from(found: SchedulingSettings, tz) -> slots.Rules:
    """Return the pure slot rules for these settings, in the clinic's time zone."""
    return slots.Rules(
        call=datetime.timedelta(minutes=found.call_minutes),
        buffer=datetime.timedelta(minutes=found.buffer_minutes),
        notice=datetime.timedelta(hours=found.notice_hours),
        horizon_days=found.horizon_days,
        tz=tz,
    )


def free_slots(*, now: datetime.datetime | None = None) -> tuple[list[slots.Slot], slots.Rules]:
    """Return every free (time, caller) over the booking window, and the rules used."""
    now = now or timezone.now()
    rules = _rules()
    hours = _weekly_hours()
    until = now + datetime.timedelta(days=rules.horizon_days + 1)
    busy, closures = _busy(now=now, until=until, callers=hours.keys())
    found = slots.free_slots(now=now, rules=rules, hours=hours, busy=busy, closures=closures)
    return found, rules


def free_callers(start: datetime.datetime) -> tuple[list[int], slots.Rules]:
    """Return the ids of the callers free for a call at `start`, and the rules used.

    All a booking needs: only the calls and time off that overlap this one call (break
    included) are read, and only that day's times are laid out.
    """
    rules = _rules()
    hours = _weekly_hours()
    busy, closures = _busy(now=start, until=start + rules.step, callers=hours.keys())
    found = slots.free_slots(
        now=timezone.now(),
        rules=rules,
        hours=hours,
        busy=busy,
        closures=closures,
        day=start.astimezone(rules.tz).date(),
    )
    return [slot.caller_id for slot in found if slot.start == start], rules


def _rules() -> slots.Rules:
    return rules_from(SchedulingSettings.objects.load(), ClinicProfile.objects.load().tz)


def offer(*, now: datetime.datetime | None = None, force: bool = False) -> Offer | None:
    """Return the call times to offer, or None when scheduling is switched off.

    `force` offers them anyway: the front desk books calls by phone even while patients
    cannot book online.
    """
    if scheduling_settings() is None and not force:
        return None
    now = now or timezone.now()
    found, rules = free_slots(now=now)
    times = sorted({slot.start for slot in found})
    return Offer(times=times, rules=rules, too_soon_until=now + rules.notice)


def parse_call_time(value: str) -> datetime.datetime:
    """Return the call time a form sent (aware, UTC); ValueError if it is not one."""
    return datetime.datetime.strptime(value, CALL_TIME_FORMAT).replace(tzinfo=datetime.UTC)


def nearest(times: list[datetime.datetime], wanted: datetime.datetime) -> list[datetime.datetime]:
    """Return the NEAREST_COUNT free times closest to the one wanted, in time order."""
    closest = sorted(times, key=lambda time: abs(time - wanted))[:NEAREST_COUNT]
    return sorted(closest)


def _weekly_hours() -> dict[int, list[slots.WeeklyHours]]:
    hours = defaultdict(list)
    rows = CallHours.objects.filter(caller__active=True).values_list(
        "caller_id", "weekday", "starts_at", "ends_at"
    )  # plain values: a week of hours for every caller is read on every booking
    for caller_id, weekday, starts_at, ends_at in rows:
        hours[caller_id].append(slots.WeeklyHours(weekday, starts_at, ends_at))
    return hours


def _busy(*, now, until, callers):
    """Return each caller's busy spans and the clinic's closures between now and `until`."""
    busy = defaultdict(list)
    calls = CallBooking.objects.booked().filter(
        caller__in=list(callers), blocked__overlap=DateTimeTZRange(now, until)
    )
    # The ends as plain timestamps: reading whole ranges costs more than the slots themselves.
    for caller_id, start, end in calls.values_list(
        "caller_id", "blocked__startswith", "blocked__endswith"
    ):
        busy[caller_id].append((start, end))
    closures = []
    for caller_id, starts, ends in TimeOff.objects.filter(
        ends__gt=now, starts__lt=until
    ).values_list("caller_id", "starts", "ends"):
        (busy[caller_id] if caller_id else closures).append((starts, ends))
    return busy, closures


def book_call(*, request, start: datetime.datetime) -> CallBooking:
    """Book the call at `start` for `request` with a caller free then, or raise SlotTaken.

    Run inside the caller's transaction: each try is a savepoint, so a lost race leaves the
    transaction usable, and the booking commits (or not) with the request.
    """
    callers, rules = free_callers(start)
    for caller_id in callers:
        booking = CallBooking(request=request, caller_id=caller_id, manage_key=call_links.new_key())
        _place(booking, start, rules)
        if _take(booking):
            return booking
        # this caller was booked at that time a moment ago: try the next one
    raise SlotTaken(start)


def _take(booking: CallBooking) -> bool:
    """Save the booking in a savepoint; return False if another booking got its time first.

    The exclusion constraint refuses a call overlapping one already stored (IntegrityError).
    Two calls for one caller stored at the same instant can also end up waiting on each
    other; PostgreSQL then cancels one of them ("deadlock detected"), which lost the race
    just the same and must get the same answer, not an error page.
    """
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError:
        return False
    except OperationalError as error:
        if isinstance(error.__cause__, DeadlockDetected):
            return False
        raise
    return True


def book_call_for(*, request, start: datetime.datetime) -> CallBooking:
    """Book a call for a patient who phoned in (the front desk picks the time with them).

    Like a booking from the form, but on its own: the request is already stored, so the
    patient is emailed the time, the link and the calendar file now (if they gave an email).
    """

    with transaction.atomic():
        booking = book_call(request=request, start=start)
        tasks.enqueue_call_email(booking, kind="booked")
    return booking


def _place(booking: CallBooking, start: datetime.datetime, rules: slots.Rules) -> None:
    booking.during = DateTimeTZRange(start, start + rules.call)
    booking.blocked = DateTimeTZRange(start, start + rules.step)


def cancel_call(*, booking: CallBooking) -> None:
    """Cancel a booked call and tell the patient's calendar (a new SEQUENCE, METHOD:CANCEL)."""

    with transaction.atomic():
        booking.status = CallStatus.CANCELLED
        booking.sequence += 1
        booking.save(update_fields=["status", "sequence", "updated"])
        tasks.enqueue_call_email(booking, kind="cancelled")


def move_call(*, booking: CallBooking, start: datetime.datetime) -> CallBooking:
    """Move a booked call to `start` (SlotTaken if nobody is free then); a new link is made.

    Inside one transaction the old time is released first, so the call can move by a few
    minutes, then the new time is taken under the same constraint as any booking. When the
    move fails nothing changes, in the database or in `booking`.
    """

    try:
        with transaction.atomic():
            booking.status = CallStatus.CANCELLED
            booking.save(update_fields=["status"])  # frees its time for the check below
            callers, rules = free_callers(start)
            sequence, key = booking.sequence + 1, call_links.new_key()
            for caller_id in callers:
                booking.caller_id, booking.status = caller_id, CallStatus.BOOKED
                booking.sequence, booking.manage_key = sequence, key
                booking.reminded_at = None  # a new day deserves its own reminder
                _place(booking, start, rules)
                if not _take(booking):
                    continue
                tasks.enqueue_call_email(booking, kind="moved")
                return booking
            raise SlotTaken(start)
    except SlotTaken:
        booking.refresh_from_db()
        raise
