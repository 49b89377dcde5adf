"""Inbox searches by email, phone or reference are single index lookups, even on a big table."""

import uuid

import pytest
from django.contrib import admin
from django.db import connection
from django.utils import timezone

from bookings.admin import ConsultationRequestAdmin
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
    ConsultationRequest.objects.bulk_create(rows)
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
