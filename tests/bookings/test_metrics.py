"""The managers' numbers, checked against requests whose answers are known by hand."""

import csv
import datetime
import io
import zoneinfo

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from bookings.choices import Status
from bookings.metrics import OpeningHours, Period, clinic_report
from bookings.models import AccessLogEntry, ConsultationRequest
from pages.models import ClinicProfile, OpenDays
from staff.roles import FRONT_DESK, MANAGER
from tests.factories import make_article, make_consultation_request, make_user, sign_in_verified

pytestmark = pytest.mark.django_db

PACIFIC = zoneinfo.ZoneInfo("America/Los_Angeles")
NUMBERS = "/admin/bookings/consultationrequest/how-we-are-doing/"
# Wednesday 18 November 2026, noon at the clinic: the week began on Monday the 16th.
NOW = datetime.datetime(2026, 11, 18, 12, 0, tzinfo=PACIFIC)


def at(day, hour, minute=0):
    return datetime.datetime(2026, 11, day, hour, minute, tzinfo=PACIFIC)


def weekday_hours(**overrides) -> OpeningHours:
    fields = {
        "weekdays": (0, 1, 2, 3, 4),
        "opens_at": datetime.time(9),
        "closes_at": datetime.time(17),
        "tz": PACIFIC,
    }
    return OpeningHours(**{**fields, **overrides})


def stored(created, *, contacted=None, status=Status.CONTACTING, came_from="", **fields):
    """Store a request through the real service, then give it a known history."""
    request = make_consultation_request(email=f"{created:%d%H%M}@example.com", **fields)
    ConsultationRequest.objects.filter(pk=request.pk).update(
        created=created, first_contacted_at=contacted, status=status, came_from=came_from
    )
    return request


@pytest.fixture
def clinic():
    profile = ClinicProfile.objects.load()
    profile.open_days = OpenDays.MON_FRI
    profile.opens_at, profile.closes_at = datetime.time(9), datetime.time(17)
    profile.time_zone = "America/Los_Angeles"
    profile.save()
    return profile


@pytest.fixture
def wednesday_noon(monkeypatch):
    """Stop the clock at NOW, for the pages (which read the time themselves)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(datetime.UTC))


@pytest.fixture
def known_weeks(clinic, settings):
    """Two weeks of requests whose numbers are worked out by hand in the tests below."""
    settings.INBOX_TARGET_HOURS = 24
    settings.URGENT_TARGET_HOURS = 1
    make_article(title="How ketamine therapy works", slug="how-it-works")
    # This week: six answered on Monday after 10 to 60 minutes; five of them from one article.
    for minutes in (10, 20, 30, 40, 50, 60):
        came_from = "/learn/how-it-works/" if minutes <= 50 else "/learn/gone-article/"
        contacted = at(16, 9) + datetime.timedelta(minutes=minutes)
        stored(at(16, 9), contacted=contacted, came_from=came_from)
    # An urgent one nobody has tried yet, 3 opening hours old: past its 1-hour target.
    stored(at(18, 9), status=Status.NEW, message="I want to die", phone="+15035550109")
    # A routine one an hour old: not due yet, so it counts neither way.
    stored(at(18, 11), status=Status.NEW)
    # Two held as spam.
    for hour in (10, 11):
        request = stored(at(17, hour))
        ConsultationRequest.objects.filter(pk=request.pk).update(status=Status.SPAM)
    # Last week: three, one of them a patient now.
    stored(at(10, 9), contacted=at(10, 10), status=Status.BECAME_PATIENT)
    stored(at(11, 9), contacted=at(11, 10))
    stored(at(12, 9), contacted=at(12, 10))


def test_opening_hours_skip_the_evening_and_the_weekend():
    hours = weekday_hours()
    friday_evening = datetime.datetime(2026, 11, 13, 18, 0, tzinfo=PACIFIC)
    monday_morning = datetime.datetime(2026, 11, 16, 9, 30, tzinfo=PACIFIC)
    assert hours.between(friday_evening, monday_morning) == datetime.timedelta(minutes=30)
    assert hours.between(at(16, 10), at(16, 11, 15)) == datetime.timedelta(minutes=75)
    assert hours.between(at(16, 16), at(17, 10)) == datetime.timedelta(hours=2)


def test_opening_hours_on_the_day_the_clocks_go_back_are_eight_real_hours():
    every_day = weekday_hours(weekdays=(0, 1, 2, 3, 4, 5, 6))
    start = datetime.datetime(2026, 11, 1, 7, 0, tzinfo=PACIFIC)  # Sunday, clocks went back at 2
    end = datetime.datetime(2026, 11, 1, 20, 0, tzinfo=PACIFIC)
    assert every_day.between(start, end) == datetime.timedelta(hours=8)
    # The same wall-clock hours measured from UTC, across the change, are still 8 + 8.
    saturday = datetime.datetime(2026, 10, 31, 9, 0, tzinfo=PACIFIC).astimezone(datetime.UTC)
    assert every_day.between(saturday, end) == datetime.timedelta(hours=16)


def test_this_weeks_numbers_match_the_known_answers(known_weeks):
    this_week, last_week = clinic_report(Period.WEEK, now=NOW).rows[:2]
    assert (this_week.start, this_week.end) == (
        datetime.date(2026, 11, 16),
        datetime.date(2026, 11, 23),
    )
    assert this_week.requests == 8
    assert this_week.spam == 2
    assert this_week.median_wait == datetime.timedelta(minutes=35)
    assert this_week.p90_wait == datetime.timedelta(minutes=55)
    assert (this_week.within_target, this_week.past_target) == (6, 1)
    assert this_week.outcomes[Status.CONTACTING] == 6
    assert this_week.outcomes[Status.NEW] == 2
    assert last_week.requests == 3
    assert last_week.outcomes[Status.BECAME_PATIENT] == 1


def test_a_month_holds_both_weeks(known_weeks):
    november = clinic_report(Period.MONTH, now=NOW).rows[0]
    assert november.label == "November 2026"
    assert november.requests == 11
    assert len(november.waits) == 9


def test_the_page_hides_small_numbers_and_names_articles(client, known_weeks, wednesday_noon):
    sign_in_verified(client, manager())
    page = client.get(NUMBERS, {"by": "week"})
    assert page.status_code == 200
    this_week, last_week = page.context["table"][:2]
    assert this_week["label"] == "Week of 16 Nov 2026 (so far)"
    assert this_week["requests"] == "8"
    assert this_week["spam"] == "fewer than 5"
    assert this_week["median"] == "35 min"
    assert this_week["p90"] == "55 min"
    assert this_week["within_target"] == "86%"
    assert last_week["requests"] == "fewer than 5"
    assert last_week["median"] == "fewer than 5 contacted"
    assert last_week["within_target"] == "fewer than 5 to count"
    articles = dict(page.context["articles"])
    assert articles["How ketamine therapy works"][0] == "5"
    assert articles["/learn/gone-article/"][0] == "fewer than 5"
    html = page.content.decode()
    assert "fewer than 5" in html
    assert "How ketamine therapy works" in html
    for request in ConsultationRequest.objects.all():
        assert request.reference not in html
        assert request.email not in html


def manager(username="morgan"):
    return make_user(username=username, is_staff=True, groups=[Group.objects.get(name=MANAGER)])


def test_the_download_has_the_same_numbers_and_is_in_the_access_log(
    client, known_weeks, wednesday_noon
):
    morgan = manager()
    sign_in_verified(client, morgan)
    response = client.get(NUMBERS, {"by": "month", "download": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith(
        'attachment; filename="clinic-numbers-by-month'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Month", "Requests", "Spam held"]
    assert rows[1][:6] == [
        "November 2026 (so far)",
        "11",
        "fewer than 5",
        "50 min",
        "1 h 00 min",
        "90%",
    ]
    entry = AccessLogEntry.objects.get(user=morgan)
    assert entry.page == AccessLogEntry.Page.METRICS
    assert entry.references == []


def test_an_article_title_that_looks_like_a_formula_stays_text_in_the_download(
    client, clinic, wednesday_noon
):
    make_article(title='=HYPERLINK("http://example.com")', slug="formula")
    stored(at(16, 9), contacted=at(16, 10), came_from="/learn/formula/")
    sign_in_verified(client, manager())
    rows = list(
        csv.reader(
            io.StringIO(client.get(NUMBERS, {"by": "week", "download": "csv"}).content.decode())
        )
    )
    assert ['\'=HYPERLINK("http://example.com")'] == [
        row[0] for row in rows if "HYPERLINK" in "".join(row)
    ]


def test_viewing_the_numbers_is_not_logged_as_reading_patient_data(client, known_weeks):
    sign_in_verified(client, manager())
    client.get(NUMBERS)
    assert not AccessLogEntry.objects.exists()


def test_an_unknown_period_gets_a_clear_message_and_the_months(client, clinic):
    sign_in_verified(client, manager())
    page = client.get(NUMBERS, {"by": "year"})
    assert page.status_code == 200
    assert "Choose “By month” or “By week”." in page.content.decode()
    assert page.context["report"].by == Period.MONTH
    assert not client.get(NUMBERS, {"by": "year", "download": "csv"}).has_header(
        "Content-Disposition"
    )


def test_front_desk_and_editors_cannot_see_the_numbers(client, clinic):
    frida = make_user(username="frida", is_staff=True, groups=[Group.objects.get(name=FRONT_DESK)])
    sign_in_verified(client, frida)
    assert client.get(NUMBERS).status_code == 403
    assert "How the clinic is doing" not in client.get("/admin/").content.decode()


def test_a_managers_home_offers_the_numbers_without_a_permission_warning(client, clinic):
    sign_in_verified(client, manager())
    home = client.get("/admin/").content.decode()
    assert NUMBERS in home
    assert "have permission to view or edit anything" not in home
