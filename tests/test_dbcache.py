"""The database cache (CACHE_URL=db://) writes a value in one statement and behaves as Django's."""

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_cache(settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "db": {
            "BACKEND": "clinic_site.dbcache.DatabaseCache",
            "LOCATION": "test_upsert_cache",
            "OPTIONS": {"MAX_ENTRIES": 5, "CULL_FREQUENCY": 2, "COUNT_EVERY": 3},
        },
    }
    call_command("createcachetable", database="default")
    return caches["db"]


def test_set_overwrites_and_keeps_every_kind_of_value(db_cache):
    db_cache.set("key", (1, 2.5), timeout=60)
    db_cache.set("key", {"two": [2]}, timeout=60)
    db_cache.set("forever", "kept", timeout=None)
    assert db_cache.get("key") == {"two": [2]}
    assert db_cache.get("forever") == "kept"
    assert db_cache.get_many(["key", "forever", "missing"]) == {
        "key": {"two": [2]},
        "forever": "kept",
    }


def test_a_value_expires_when_its_timeout_says(db_cache):
    db_cache.set("now", "gone", timeout=0)
    assert db_cache.get("now", default="missing") == "missing"
    db_cache.set("minute", "kept", timeout=60)
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM test_upsert_cache WHERE cache_key LIKE '%%minute'")
        expires = cursor.fetchone()[0]
    assert 50 < (expires - timezone.now()).total_seconds() <= 60


def test_add_and_touch_still_work_as_djangos(db_cache):
    assert db_cache.add("new", 1, timeout=60)
    assert not db_cache.add("new", 2, timeout=60)
    assert db_cache.touch("new", timeout=120)
    assert db_cache.get("new") == 1


def test_the_table_is_culled_when_full(db_cache):
    for number in range(30):
        db_cache.set(f"key-{number}", number, timeout=60)
    # Counted every third set: at most MAX_ENTRIES plus the sets since the last count.
    assert len(db_cache.get_many([f"key-{n}" for n in range(30)])) <= 5 + 3
    assert db_cache.get("key-29") == 29  # the newest write is always kept


def test_set_is_one_upsert_and_counts_rows_one_time_in_count_every(
    db_cache, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the first set counts the rows (for culling)
        db_cache.set("key", 1, timeout=60)
    for value in (2, 3):
        with django_assert_num_queries(1):
            db_cache.set("key", value, timeout=60)
    with django_assert_num_queries(2):
        db_cache.set("key", 4, timeout=60)
    assert db_cache.get("key") == 4


def test_get_returns_the_default_for_missing_and_expired_keys_and_removes_expired_rows(db_cache):
    db_cache.set("old", "stale", timeout=60)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE test_upsert_cache SET expires = now() - interval '1 second' "
            "WHERE cache_key LIKE '%%old'"
        )
    assert db_cache.get("old") is None
    assert db_cache.get("old", default="fallback") == "fallback"
    assert db_cache.get("never-set", default=0) == 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM test_upsert_cache WHERE cache_key LIKE '%%old'")
        assert cursor.fetchone()[0] == 0


def test_get_reads_the_version_asked_for(db_cache):
    db_cache.set("versioned", "one", timeout=60, version=1)
    db_cache.set("versioned", "two", timeout=60, version=2)
    assert db_cache.get("versioned", version=1) == "one"
    assert db_cache.get("versioned", version=2) == "two"
    assert db_cache.get("versioned", version=3) is None
