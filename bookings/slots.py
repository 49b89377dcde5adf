"""Free call times, from wall-clock weekly hours to exact moments: a pure function, no database.

Weekly hours are wall-clock times in the clinic's zone ("Mondays 9 am to 12 pm"), so a slot's
wall time stays put across a daylight-saving change and its moment in UTC moves. Two days a
year a wall time is not one moment:
- Spring forward: a wall time in the skipped hour (2:00 to 2:59 am in the US) does not exist.
  No slot is offered there; the rule's other times that day are.
- Fall back: a wall time in the repeated hour (1:00 to 1:59 am in the US) happens twice. The
  first (daylight) one is offered and the repeat is not, so a patient never sees "1:30 am"
  twice and cannot pick the wrong one.
Hours that end at a skipped or repeated time end at its earlier moment, never later.

A slot fits when the call ends by the end of the weekly hours, and when the call plus the
buffer after it overlaps nothing busy: the caller's booked calls (buffers included), their time
off, and the clinic's closures. That is the same rule the database's exclusion constraint holds
for bookings, so a slot shown free can only be lost to someone booking it first.
"""

import bisect
import datetime
import functools
import zoneinfo
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

UTC = datetime.UTC

Span = tuple[datetime.datetime, datetime.datetime]  # [start, end), aware


@dataclass(frozen=True)
class WeeklyHours:
    """One caller's hours on one weekday (Monday = 0), in the clinic's wall-clock time."""

    weekday: int
    starts_at: datetime.time
    ends_at: datetime.time


@dataclass(frozen=True)
class Rules:
    """How calls are laid out: their length, the gap after each, notice and how far ahead."""

    call: datetime.timedelta
    buffer: datetime.timedelta
    notice: datetime.timedelta
    horizon_days: int
    tz: zoneinfo.ZoneInfo

    @property
    def step(self) -> datetime.timedelta:
        return self.call + self.buffer


@dataclass(frozen=True, order=True)
class Slot:
    """A free call time (aware, UTC) and a caller who is free then."""

    start: datetime.datetime
    caller_id: int


def wall_time(day: datetime.date, time: datetime.time, tz: zoneinfo.ZoneInfo):
    """Return the moment `day` at `time` in `tz`: the first if repeated, None if skipped."""
    local = datetime.datetime.combine(day, time, tzinfo=tz)  # fold=0: the first occurrence
    moment = local.astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None  # in the spring-forward gap: the clock never shows this time
    return moment


def days_open(*, now: datetime.datetime, rules: Rules) -> list[datetime.date]:
    """Return the clinic's dates a slot may fall on: today there and the horizon's days after."""
    today = now.astimezone(rules.tz).date()
    return [today + datetime.timedelta(days=n) for n in range(rules.horizon_days)]


def free_slots(
    *,
    now: datetime.datetime,
    rules: Rules,
    hours: Mapping[int, Sequence[WeeklyHours]],
    busy: Mapping[int, Iterable[Span]] | None = None,
    closures: Iterable[Span] = (),
    day: datetime.date | None = None,
) -> list[Slot]:
    """Return every free slot from `now` + notice to the end of the window, earliest first.

    `hours` and `busy` are keyed by caller id; `closures` close the whole clinic. With `day`,
    only that day's slots (if it is in the window): all a booking needs to know.
    """
    earliest, step = now + rules.notice, rules.step
    days = [d for d in days_open(now=now, rules=rules) if day is None or d == day]
    closures = list(closures)
    starts_for = functools.cache(lambda day, rule: _starts_in(day, rule, rules))
    slots = []
    for caller_id, caller_hours in hours.items():
        taken = Taken([*(busy or {}).get(caller_id, ()), *closures])
        for day in days:
            for rule in caller_hours:
                if rule.weekday != day.weekday():
                    continue
                slots.extend(
                    Slot(start, caller_id)
                    for start in starts_for(day, rule)
                    if start >= earliest and not taken.overlaps(start, start + step)
                )
    slots.sort(key=lambda slot: (slot.start, slot.caller_id))
    return slots


def _starts_in(day: datetime.date, rule: WeeklyHours, rules: Rules) -> list[datetime.datetime]:
    """Return each call start in one day's hours, free or not (callers' hours often match)."""
    end = _end_moment(day, rule.ends_at, rules.tz)
    local = datetime.datetime.combine(day, rule.starts_at)
    last = datetime.datetime.combine(day, rule.ends_at)
    starts = []
    while local < last:
        start = wall_time(day, local.time(), rules.tz)
        if start is not None and start + rules.call <= end:
            starts.append(start)
        local += rules.step  # wall-clock steps: 9:00, 9:20 ... whatever the offset that day
    return starts


def _end_moment(day, time, tz) -> datetime.datetime:
    """Return when hours ending at `time` end: the earlier moment if skipped or repeated."""
    local = datetime.datetime.combine(day, time, tzinfo=tz)
    return min(local.astimezone(UTC), local.replace(fold=1).astimezone(UTC))


class Taken:
    """Busy spans, merged into disjoint runs, asked "does [start, end) overlap any?"."""

    def __init__(self, spans: Iterable[Span]):
        merged: list[list[datetime.datetime]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        self.starts = [start for start, _ in merged]
        self.ends = [end for _, end in merged]

    def overlaps(self, start: datetime.datetime, end: datetime.datetime) -> bool:
        index = bisect.bisect_right(self.ends, start)  # the first run ending after `start`
        return index < len(self.starts) and self.starts[index] < end
