"""How the clinic is doing: counts and times per week or month, from what the site already holds.

Everything here is aggregate and first-party: it reads the consultation requests the site has
stored (when they arrived, their status, when someone first tried to reach them, which article
page the patient came from) and nothing else. No visitor is tracked to make it.

Small numbers are hidden: a count below SMALL_COUNT is shown as "fewer than 5", and a median,
90th percentile or share is shown only when it is worked out from at least SMALL_COUNT requests,
so that no figure points at one person.

Times to first contact are counted in opening hours (the clinic profile's days and hours, in its
time zone): a request sent on Friday evening and called back on Monday at 9:30 waited 30 minutes.
"Within target" uses the same clock: URGENT_TARGET_HOURS for urgent requests, INBOX_TARGET_HOURS
for the rest. A request nobody has tried to reach yet counts against the target once it has waited
longer than its target, and is left out until then.
"""

import datetime
import statistics
import zoneinfo
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from pages.models import Article, ClinicProfile

from .choices import Status
from .forms import article_path
from .models import ConsultationRequest

SMALL_COUNT = 5
FEWER_THAN = f"fewer than {SMALL_COUNT}"
PERIODS_SHOWN = 12
# The statuses a request can end up in, in the order the page shows them (spam is counted apart).
OUTCOMES = [status for status in Status if status != Status.SPAM]


class Period:
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True)
class OpeningHours:
    """The clinic's opening hours: which weekdays (Monday = 0), from when to when, where."""

    weekdays: tuple[int, ...]
    opens_at: datetime.time
    closes_at: datetime.time
    tz: zoneinfo.ZoneInfo

    @classmethod
    def of_clinic(cls) -> "OpeningHours":
        profile = ClinicProfile.objects.load()
        return cls(tuple(profile.open_weekdays), profile.opens_at, profile.closes_at, profile.tz)

    def between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.timedelta:
        """Return how much of the time from `start` to `end` fell in opening hours."""
        total = datetime.timedelta(0)
        day = start.astimezone(self.tz).date()
        last_day = end.astimezone(self.tz).date()
        while day <= last_day:
            if day.weekday() in self.weekdays:
                # Compare in UTC: subtracting two times in one zone ignores a clock change.
                opens = datetime.datetime.combine(day, self.opens_at, self.tz).astimezone(
                    datetime.UTC
                )
                closes = datetime.datetime.combine(day, self.closes_at, self.tz).astimezone(
                    datetime.UTC
                )
                overlap = min(end, closes) - max(start, opens)
                if overlap > datetime.timedelta(0):
                    total += overlap
            day += datetime.timedelta(days=1)
        return total


@dataclass
class Row:
    """One week or month: what arrived, how fast it was answered, and what became of it."""

    label: str
    start: datetime.date
    end: datetime.date  # the first day after the period
    is_current: bool
    requests: int = 0
    spam: int = 0
    waits: list[datetime.timedelta] = field(default_factory=list)
    within_target: int = 0
    past_target: int = 0
    outcomes: Counter = field(default_factory=Counter)
    came_from: Counter = field(default_factory=Counter)

    @property
    def median_wait(self) -> datetime.timedelta | None:
        if len(self.waits) < SMALL_COUNT:
            return None
        return statistics.median(self.waits)

    @property
    def p90_wait(self) -> datetime.timedelta | None:
        """Return the wait that 9 in 10 first contacts were quicker than or equal to."""
        if len(self.waits) < SMALL_COUNT:
            return None
        return statistics.quantiles(self.waits, n=10, method="inclusive")[-1]

    @property
    def share_within_target(self) -> float | None:
        counted = self.within_target + self.past_target
        if counted < SMALL_COUNT:
            return None
        return self.within_target / counted


@dataclass
class Report:
    by: str
    rows: list[Row]  # most recent first
    articles: list[tuple[str, str]]  # (came_from path, title), most requests first

    def article_counts(self, path: str) -> list[int]:
        return [row.came_from[path] for row in self.rows]


def clinic_report(by: str, *, now: datetime.datetime | None = None) -> Report:
    """Return the last PERIODS_SHOWN weeks or months of numbers, the current one first."""
    now = now or timezone.now()
    hours = OpeningHours.of_clinic()
    periods = _periods(by, now.astimezone(hours.tz).date())
    rows = [
        Row(_label(by, start), start, end, is_current=(i == 0))
        for i, (start, end) in enumerate(periods)
    ]
    window_start = datetime.datetime.combine(rows[-1].start, datetime.time(), hours.tz)
    requests = ConsultationRequest.objects.filter(created__gte=window_start).values_list(
        "created", "status", "urgent", "first_contacted_at", "came_from", "anonymised_at"
    )
    for created, status, urgent, first_contact, came_from, anonymised_at in requests.iterator():
        row = _row_for(rows, created.astimezone(hours.tz).date())
        if row is None:
            continue
        if status == Status.SPAM:
            row.spam += 1
            continue
        row.requests += 1
        row.outcomes[status] += 1
        if came_from:
            row.came_from[came_from] += 1
        if anonymised_at is None:
            _count_wait(row, hours, created, first_contact, urgent, now)
    return Report(by=by, rows=rows, articles=_articles(rows))


def _periods(by: str, today: datetime.date) -> list[tuple[datetime.date, datetime.date]]:
    if by == Period.WEEK:
        monday = today - datetime.timedelta(days=today.weekday())
        starts = [monday - datetime.timedelta(weeks=i) for i in range(PERIODS_SHOWN)]
        return [(start, start + datetime.timedelta(weeks=1)) for start in starts]
    periods = []
    start = today.replace(day=1)
    for _ in range(PERIODS_SHOWN):
        end = (start + datetime.timedelta(days=32)).replace(day=1)
        periods.append((start, end))
        start = (start - datetime.timedelta(days=1)).replace(day=1)
    return periods


def _label(by: str, start: datetime.date) -> str:
    return f"Week of {start.day} {start:%b %Y}" if by == Period.WEEK else f"{start:%B %Y}"


def _row_for(rows: list[Row], day: datetime.date) -> Row | None:
    return next((row for row in rows if row.start <= day < row.end), None)


def _count_wait(row, hours, created, first_contact, urgent, now) -> None:
    target = datetime.timedelta(
        hours=settings.URGENT_TARGET_HOURS if urgent else settings.INBOX_TARGET_HOURS
    )
    if first_contact is not None:
        wait = hours.between(created, first_contact)
        row.waits.append(wait)
        if wait <= target:
            row.within_target += 1
        else:
            row.past_target += 1
    elif hours.between(created, now) > target:
        row.past_target += 1


def _articles(rows: list[Row]) -> list[tuple[str, str]]:
    """Return the article pages requests came from, with today's titles, most requests first."""
    totals = sum((row.came_from for row in rows), Counter())
    slugs = {path: path.strip("/").rsplit("/", 1)[-1] for path in totals if article_path(path)}
    titles = dict(Article.objects.filter(slug__in=slugs.values()).values_list("slug", "title"))
    ordered = sorted(totals, key=lambda path: (-totals[path], path))
    return [(path, titles.get(slugs.get(path, ""), path)) for path in ordered]


def shown_count(count: int) -> str:
    """Return a count as the page and the download show it: small ones hidden."""
    return FEWER_THAN if count < SMALL_COUNT else str(count)


def shown_wait(wait: datetime.timedelta | None) -> str:
    """Return a wait in opening hours as "2 h 05 min", or a dash when too few to show."""
    if wait is None:
        return FEWER_THAN + " contacted"
    minutes = round(wait.total_seconds() / 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def shown_share(share: float | None) -> str:
    if share is None:
        return FEWER_THAN + " to count"
    return f"{share:.0%}"
