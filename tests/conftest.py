import pytest
from django.core.cache import cache

from tests.factories import sign_in_verified


@pytest.fixture(autouse=True)
def _clear_cache():
    """Start every test with an empty cache so cached pages and profiles never leak across."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_client(client, admin_user):
    """Override pytest-django's: a superuser who has also passed two-factor sign-in."""
    sign_in_verified(client, admin_user)
    return client
