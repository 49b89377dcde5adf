"""The consultation requests table keeps no index that nothing reads (each is written per request).

That searches by email, phone and reference use an index: test_inbox_search_plan.py.
"""

import pytest
from django.db import IntegrityError, connection, transaction

from bookings.models import ConsultationRequest
from tests.factories import make_consultation_request

pytestmark = pytest.mark.django_db
TABLE = ConsultationRequest._meta.db_table


def test_no_pattern_matching_indexes():
    # The inbox looks references, emails, phones and statuses up exactly, never with LIKE.
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [TABLE])
        definitions = [row[0] for row in cursor.fetchall()]
    assert len(definitions) > 5
    assert [d for d in definitions if "pattern_ops" in d] == []


def test_the_status_filter_can_use_an_index():
    sql, params = ConsultationRequest.objects.filter(status="new").query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "consult_status_idx" in plan, plan


def test_two_requests_never_share_a_reference():
    first = make_consultation_request()
    second = make_consultation_request(email="other@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsultationRequest.objects.filter(pk=second.pk).update(reference=first.reference)
