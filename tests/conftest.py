import os

import pytest
from django.core.cache import caches
from django.db import connection

from clinic_site.settings import cache_from_url
from tests.factories import sign_in_verified


@pytest.fixture(autouse=True)
def _clear_caches(django_db_setup, django_db_blocker):
    """Start every test with empty caches so pages and counters never leak across tests."""
    with django_db_blocker.unblock():  # the caches live in PostgreSQL (or Redis)
        for cache in caches.all():
            cache.clear()


@pytest.fixture(params=["db", "redis"])
def shared_cache(request, settings):
    """Run the test against each cache a production install can share between app servers.

    "db": PostgreSQL's database cache, the default (CACHE_URL=db://...). "redis": the throwaway
    redis-server `make test` starts (scripts/with_redis.sh); without one the Redis case skips on
    a developer's machine and fails in CI.
    """
    if request.param == "redis":
        url = os.environ.get("TEST_REDIS_URL")
        if not url:
            message = "No Redis server: run the suite through `make test` (scripts/with_redis.sh)"
            if os.environ.get("CI"):
                pytest.fail(message, pytrace=False)
            pytest.skip(message)
        settings.CACHES = {
            "default": cache_from_url(f"{url}/0"),
            "pages": cache_from_url(f"{url}/1"),
        }
    else:
        settings.CACHES = {
            "default": cache_from_url("db://django_cache"),
            "pages": cache_from_url("db://django_page_cache"),
        }
    for cache in caches.all():
        cache.clear()
    return request.param


@pytest.fixture
def admin_client(client, admin_user):
    """Override pytest-django's: a superuser who has also passed two-factor sign-in."""
    sign_in_verified(client, admin_user)
    return client


@pytest.fixture
def database_down():
    """Point the connection at a port where nothing listens, for the length of the test."""
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = 9  # the discard port
    yield port  # a test may restore it early to look at the database
    connection.close()
    connection.settings_dict["PORT"] = port
