"""The consultation rate limit: atomic under parallel posts, per visitor, and address-free."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client, RequestFactory

from bookings.models import ConsultationRequest
from clinic_site import ratelimit
from tests.factories import consultation_post

FORM = "/consultation/"


def post_in_parallel(posts: list[dict], *, address: str) -> list:
    """Send every post at once, each from its own thread and database connection."""
    start = threading.Barrier(len(posts))
    responses = [None] * len(posts)

    def send(index: int) -> None:
        try:
            client = Client(REMOTE_ADDR=address)
            start.wait()
            responses[index] = client.post(FORM, posts[index])
        finally:
            connections.close_all()  # this thread's connections, before the test's flush

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@pytest.mark.django_db(transaction=True)
def test_parallel_posts_from_one_address_store_exactly_the_limit(shared_cache, settings):
    settings.CONSULTATION_RATE_LIMIT = "5/h"
    posts = [
        consultation_post(email=f"person{i}@example.com", phone="", preferred_contact="email")
        for i in range(40)
    ]
    responses = post_in_parallel(posts, address="198.51.100.7")

    assert ConsultationRequest.objects.count() == 5
    assert sorted(r.status_code for r in responses) == [302] * 5 + [429] * 35
    for post, response in zip(posts, responses, strict=True):
        if response.status_code == 429:  # given back their own answers, not lost
            assert f'value="{post["email"]}"' in response.content.decode()


def visitor(address: str = "203.0.113.5"):
    return RequestFactory().post(FORM, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_a_visitor_is_allowed_the_rate_and_then_refused(shared_cache):
    assert [ratelimit.allow(visitor(), scope="test", rate="3/h") for _ in range(4)] == [
        True,
        True,
        True,
        False,
    ]


@pytest.mark.django_db
def test_each_address_and_each_scope_has_its_own_allowance(shared_cache):
    assert ratelimit.allow(visitor("10.0.0.1"), scope="test", rate="1/h")
    assert not ratelimit.allow(visitor("10.0.0.1"), scope="test", rate="1/h")
    assert ratelimit.allow(visitor("10.0.0.2"), scope="test", rate="1/h")
    assert ratelimit.allow(visitor("10.0.0.1"), scope="other", rate="1/h")


@pytest.mark.django_db
def test_a_rate_of_zero_refuses_everyone(shared_cache):
    assert not ratelimit.allow(visitor(), scope="test", rate="0/h")


@pytest.mark.django_db
def test_off_lets_everyone_through(shared_cache):
    assert all(ratelimit.allow(visitor(), scope="test", rate="off") for _ in range(50))


def test_a_rate_too_high_to_be_a_limit_is_a_clear_error():
    """Each allowance is a cache row: a million an hour would read a million rows a request."""
    with pytest.raises(Exception, match="at most 1000"):
        ratelimit.parse_rate("1000000/h")


@pytest.mark.django_db
def test_the_cache_never_holds_the_visitors_address(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "django_cache",
        }
    }
    ratelimit.allow(visitor("203.0.113.99"), scope="test", rate="5/h")
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM django_cache")
        rows = cursor.fetchall()
    assert rows  # the allowance was counted here
    assert not [row for row in rows if "203.0.113" in "".join(row)]


@pytest.mark.django_db
def test_a_patient_can_still_send_the_form_while_the_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
        }
    }
    assert client.post(FORM, consultation_post()).status_code == 302
    assert ConsultationRequest.objects.count() == 1


def test_forwarded_for_is_ignored_without_a_trusted_proxy(settings):
    settings.CONSULTATION_TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().post(FORM, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert ratelimit.client_ip(request) == "10.0.0.9"


def test_forwarded_for_is_read_from_the_right_behind_trusted_proxies(settings):
    settings.CONSULTATION_TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().post(
        FORM, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert ratelimit.client_ip(request) == "203.0.113.7"  # the visitor cannot spoof the left


@pytest.mark.parametrize(
    ("rate", "parsed"), [("5/h", (5, 3600)), ("20/d", (20, 86400)), ("20/m", (20, 60))]
)
def test_rates_are_read_from_settings(rate, parsed):
    assert ratelimit.parse_rate(rate) == parsed


def test_a_nonsense_rate_is_a_clear_error():
    with pytest.raises(Exception, match="5/h"):
        ratelimit.parse_rate("lots")
