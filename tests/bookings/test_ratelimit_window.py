"""The consultation rate limit keeps its whole window on the default (database) cache."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from bookings import ratelimit
from clinic_site.dbcache import DatabaseCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_cache(monkeypatch):
    """Count in the production default, a cache table in PostgreSQL (tests otherwise use locmem)."""
    call_command("createcachetable", "test_rate_cache")
    monkeypatch.setattr(ratelimit, "cache", DatabaseCache("test_rate_cache", {}))


def test_the_window_lasts_the_whole_period_after_several_requests(database_cache, settings):
    settings.CONSULTATION_RATE_LIMIT = "5/h"
    for _ in range(3):
        ratelimit.count_request(RequestFactory().post("/consultation/"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM test_rate_cache")
        (expires,) = cursor.fetchone()
    assert (expires - timezone.now()).total_seconds() > 50 * 60


def test_the_limit_counts_every_request(database_cache, settings):
    settings.CONSULTATION_RATE_LIMIT = "3/h"
    for _ in range(3):
        assert not ratelimit.is_limited(RequestFactory().post("/consultation/"))
        ratelimit.count_request(RequestFactory().post("/consultation/"))
    assert ratelimit.is_limited(RequestFactory().post("/consultation/"))
