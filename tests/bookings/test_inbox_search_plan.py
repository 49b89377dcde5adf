"""Inbox searches by email, phone or reference are single index lookups, even on a big table."""

import uuid

import pytest
from django.contrib import admin
from django.db import connection
from django.db.models import Max, Min
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bookings.admin import ConsultationRequestAdmin
from bookings.choices import OPEN_STATUSES
from bookings.models import ConsultationRequest
from tests.factories import consultation_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_requests():
    """Store 3,000 requests (enough for PostgreSQL to prefer an index) and analyse the table."""
    now = timezone.now()
    rows = [
        ConsultationRequest(
            **consultation_data(email=f"p{n}@example.com", phone=f"+1503555{n:04d}"),
            reference=f"ACD-{n:04d}".replace("0", "A").replace("1", "C").replace("2", "D"),
            form_token=uuid.uuid4(),
            email_normalised=f"p{n}@example.com",
            privacy_notice_version="test",
            consented_at=now,
        )
        for n in range(3000)
    ]
    # Values are bound on the server, at most 65,535 per statement: 25 fields x 1,000 rows.
    ConsultationRequest.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE bookings_consultationrequest")
    return rows


@pytest.mark.parametrize("term", ["P1234@EXAMPLE.COM", "(503) 555-1234", "acd-cdd4"])
def test_search_by_email_phone_or_reference_uses_an_index(many_requests, term):
    model_admin = ConsultationRequestAdmin(ConsultationRequest, admin.site)
    results, _ = model_admin.get_search_results(None, ConsultationRequest.objects.all(), term)
    plan = results.explain()
    assert "Index" in plan
    assert "Seq Scan" not in plan
    assert len(results) == 1


def test_other_text_searches_the_names(many_requests):
    model_admin = ConsultationRequestAdmin(ConsultationRequest, admin.site)
    qs = ConsultationRequest.objects.all()
    results, _ = model_admin.get_search_results(None, qs, "lovelace")
    assert results.count() == 3000


def test_the_inbox_date_links_find_the_first_open_request_by_index():
    """Open requests are the newest few; finding the oldest must not walk the closed ones."""
    now = timezone.now()
    ConsultationRequest.objects.bulk_create(
        (
            ConsultationRequest(
                **consultation_data(email=f"p{n}@example.com"),
                reference=f"ACD-{n:04d}".replace("0", "A").replace("1", "C").replace("2", "D"),
                form_token=uuid.uuid4(),
                privacy_notice_version="test",
                consented_at=now,
                status="closed" if n < 2900 else "new",
            )
            for n in range(3000)
        ),
        batch_size=1000,
    )
    with connection.cursor() as cursor:  # one a day, oldest first (created is auto_now_add)
        cursor.execute(
            "UPDATE bookings_consultationrequest SET created = now() - "
            "(3000 - (id - (SELECT min(id) FROM bookings_consultationrequest))) * interval '1 day'"
        )
        cursor.execute("ANALYZE bookings_consultationrequest")
    # What the admin's date hierarchy asks for in the inbox's default view (open requests).
    open_requests = ConsultationRequest.objects.filter(status__in=OPEN_STATUSES)
    with CaptureQueriesContext(connection) as queries:
        span = open_requests.aggregate(first=Min("created"), last=Max("created"))
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + queries.captured_queries[0]["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "consult_open_created_idx" in plan, plan
    assert (span["last"] - span["first"]).days == 99
