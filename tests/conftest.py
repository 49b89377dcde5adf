import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _clear_cache():
    """Start every test with an empty cache so cached pages and profiles never leak across."""
    cache.clear()
    yield
    cache.clear()
