"""The whole-page cache for anonymous visitors (clinic_site/cache.py)."""

import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import reverse

from clinic_site import cache as page_cache
from clinic_site.cache import PageCacheMiddleware, cache_public_page, kept
from pages.models import ClinicProfile, Status
from tests.factories import make_article

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["/", "/conditions/", "/what-to-expect/", "/privacy/"]


def rename_clinic_behind_the_cache(name):
    """Change the clinic's name without any signal, as if another process had done it."""
    ClinicProfile.objects.filter(pk=1).update(name=name)
    cache.delete(ClinicProfile.objects.CACHE_KEY)


@pytest.fixture(autouse=True)
def clinic_profile():
    """Create the profile first: creating it is itself a content change."""
    return ClinicProfile.objects.load()


@pytest.fixture
def staff_client(admin_client):
    """Return a client signed in as staff (the project's admin_client fixture)."""
    return admin_client


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_second_visit_is_served_from_the_cache_without_queries(
    client, path, django_assert_num_queries
):
    first = client.get(path)
    cache.delete(ClinicProfile.objects.CACHE_KEY)  # rendering again would need a query
    with django_assert_num_queries(0):
        second = client.get(path)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert second["ETag"]


def test_cached_page_is_really_reused(client):
    client.get("/")
    rename_clinic_behind_the_cache("Renamed Without Signal Clinic")
    assert "Renamed Without Signal Clinic" not in client.get("/").content.decode()


def test_saving_the_clinic_profile_shows_immediately(client, django_capture_on_commit_callbacks):
    client.get("/")
    with django_capture_on_commit_callbacks(execute=True):
        profile = ClinicProfile.objects.load()
        profile.name = "Bright Cove Clinic"
        profile.save()
    assert "Bright Cove Clinic" in client.get("/").content.decode()


def test_staff_edit_in_the_admin_shows_immediately(
    staff_client, django_capture_on_commit_callbacks
):
    visitor = Client()
    assert "Harbor Light" in visitor.get("/privacy/").content.decode()
    profile = ClinicProfile.objects.load()
    data = {k: v for k, v in model_to_dict(profile).items() if v is not None and k != "id"}
    data["name"] = "Edited In Admin Clinic"
    url = reverse("admin:pages_clinicprofile_change", args=[profile.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Edited In Admin Clinic" in visitor.get("/privacy/").content.decode()


def test_deleting_content_retires_cached_pages(client, django_capture_on_commit_callbacks):
    profile = ClinicProfile.objects.load()
    profile.name = "About To Be Deleted Clinic"
    profile.save()
    assert "About To Be Deleted Clinic" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        ClinicProfile.objects.get().delete()
    cache.delete(ClinicProfile.objects.CACHE_KEY)  # the profile's own cache, not the page's
    assert "About To Be Deleted Clinic" not in client.get("/").content.decode()


def test_logged_in_staff_always_get_a_fresh_page(staff_client):
    visitor = Client()
    visitor.get("/")
    rename_clinic_behind_the_cache("Fresh For Staff Clinic")
    response = staff_client.get("/")
    assert "Fresh For Staff Clinic" in response.content.decode()
    assert "ETag" not in response
    assert "Fresh For Staff Clinic" not in visitor.get("/").content.decode()


def test_a_staff_members_page_is_never_stored_for_visitors(staff_client):
    staff_client.get("/")
    rename_clinic_behind_the_cache("Seen By Visitor Clinic")
    assert "Seen By Visitor Clinic" in Client().get("/").content.decode()


def test_post_never_gets_a_cached_page(client):
    cached = client.get("/")
    response = client.post("/", {"anything": "1"})
    assert response.status_code == 405
    assert response.content != cached.content


def test_matching_if_none_match_gets_304_without_a_body(client):
    etag = client.get("/conditions/")["ETag"]
    response = client.get("/conditions/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag


def test_if_modified_since_gets_304(client):
    last_modified = client.get("/conditions/")["Last-Modified"]
    response = client.get("/conditions/", HTTP_IF_MODIFIED_SINCE=last_modified)
    assert response.status_code == 304


@pytest.mark.parametrize("header", ['"not-the-etag"', "garbage", "W/", ""])
def test_stale_or_malformed_if_none_match_gets_the_full_page(client, header):
    client.get("/")
    response = client.get("/", HTTP_IF_NONE_MATCH=header)
    assert response.status_code == 200
    assert b"<html" in response.content


def test_etag_changes_after_an_edit(client, django_capture_on_commit_callbacks):
    etag = client.get("/")["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        profile = ClinicProfile.objects.load()
        profile.phone = "(555) 010-7777"
        profile.save()
    response = client.get("/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_browsers_are_told_to_check_back_every_time(client):
    client.get("/")
    response = client.get("/")
    assert response["Cache-Control"] == "no-cache"
    assert "Cookie" in response["Vary"]


def test_cached_pages_set_no_cookies_even_for_a_visitor_with_a_csrf_cookie(client):
    client.get(reverse("bookings:consultation"))
    client.cookies["csrftoken"] = "x" * 32
    for _ in range(2):
        response = client.get("/")
        assert not response.cookies
        assert "Set-Cookie" not in response.headers


def test_a_visitor_with_a_messages_cookie_gets_a_fresh_page(client):
    client.get("/")
    rename_clinic_behind_the_cache("Messages Cookie Clinic")
    client.cookies["messages"] = "anything"
    assert "Messages Cookie Clinic" in client.get("/").content.decode()


def test_unknown_query_parameters_bypass_the_cache(client):
    client.get("/?utm_source=newsletter")
    rename_clinic_behind_the_cache("Query String Clinic")
    assert "Query String Clinic" in client.get("/?utm_source=newsletter").content.decode()


def test_cache_can_be_turned_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/")
    rename_clinic_behind_the_cache("Cache Off Clinic")
    response = client.get("/")
    assert "Cache Off Clinic" in response.content.decode()
    assert "ETag" not in response


class CountingView:
    """A view for the decorator alone: counts its calls and can misbehave in set ways."""

    def __init__(self, misbehave=None):
        self.calls = 0
        self.misbehave = misbehave

    def __call__(self, request):
        self.calls += 1
        response = HttpResponse(f"<p>call {self.calls}</p>")
        if self.misbehave:
            self.misbehave(request, response)
        return response


def add_message(request, response):
    request._messages = CookieStorage(request)
    messages.info(request, "Saved")


@pytest.mark.parametrize(
    "misbehave",
    [
        pytest.param(lambda request, response: get_token(request), id="csrf-token"),
        pytest.param(lambda request, response: response.set_cookie("x", "1"), id="cookie"),
        pytest.param(add_message, id="message"),
        pytest.param(lambda request, response: setattr(response, "status_code", 404), id="404"),
        pytest.param(
            lambda request, response: response.headers.__setitem__("Cache-Control", "private"),
            id="private",
        ),
        pytest.param(
            lambda request, response: setattr(request, "_csp_nonce", "abc"), id="csp-nonce"
        ),
    ],
)
def test_responses_that_are_personal_or_errors_are_never_stored(rf, misbehave):
    view = PageCacheMiddleware(cache_public_page(CountingView(misbehave)))
    for _ in range(2):
        view(rf.get("/somewhere/"))
    assert view.get_response.__wrapped__.calls == 2


def test_a_plain_public_response_is_stored(rf):
    view = PageCacheMiddleware(cache_public_page(CountingView()))
    first = view(rf.get("/somewhere/"))
    second = view(rf.get("/somewhere/"))
    assert view.get_response.__wrapped__.calls == 1
    assert first.content == second.content == b"<p>call 1</p>"


def test_declared_query_parameters_are_cached_per_value(rf):
    view = PageCacheMiddleware(cache_public_page(query_params=("page",))(CountingView()))
    assert view(rf.get("/list/?page=2")).content == b"<p>call 1</p>"
    assert view(rf.get("/list/?page=3")).content == b"<p>call 2</p>"
    assert view(rf.get("/list/?page=2")).content == b"<p>call 1</p>"


def test_reading_the_empty_session_of_a_visitor_still_caches(rf):
    from django.contrib.sessions.backends.db import SessionStore

    def read_session(request, response):
        request.session = SessionStore()
        request.session.get("anything")

    view = PageCacheMiddleware(cache_public_page(CountingView(read_session)))
    view(rf.get("/somewhere/"))
    view(rf.get("/somewhere/"))
    assert view.get_response.__wrapped__.calls == 1


def test_a_page_that_writes_the_session_is_never_stored(rf):
    from django.contrib.sessions.backends.db import SessionStore

    def write_session(request, response):
        request.session = SessionStore()
        request.session["came_from"] = "/learn/x/"

    view = PageCacheMiddleware(cache_public_page(CountingView(write_session)))
    view(rf.get("/somewhere/"))
    view(rf.get("/somewhere/"))
    assert view.get_response.__wrapped__.calls == 2


class FakeClock:
    def __init__(self, now):
        self.now = now

    def time(self):
        return self.now


def test_scheduled_content_retires_cached_pages_when_it_is_due(rf, monkeypatch):
    import datetime

    clock = FakeClock(1_900_000_000.0)
    due = datetime.datetime.fromtimestamp(clock.now + 600, tz=datetime.UTC)
    monkeypatch.setattr(page_cache, "time", clock)
    monkeypatch.setattr(page_cache, "_scheduled_change_hooks", [lambda: due])
    page_cache.bump_content_version()  # as when the scheduled content was saved
    view = PageCacheMiddleware(cache_public_page(CountingView()))
    view(rf.get("/somewhere/"))
    clock.now += 599
    assert view(rf.get("/somewhere/")).content == b"<p>call 1</p>"
    clock.now += 2
    assert view(rf.get("/somewhere/")).content == b"<p>call 2</p>"


def test_another_worker_answers_with_the_same_validators(client):

    first = client.get("/conditions/")
    page_cache._local.entries.clear()  # as if the next request reached another worker
    response = client.get(
        "/conditions/",
        HTTP_IF_NONE_MATCH=first["ETag"],
        HTTP_IF_MODIFIED_SINCE=first["Last-Modified"],
    )
    assert response.status_code == 304


def test_pages_are_not_written_to_the_shared_cache(client):
    """Only the version token is shared; pages stay in worker memory (tests use locmem)."""
    client.get("/conditions/")
    shared = {key for key in cache._cache if "page-cache" in key}
    assert shared == {":1:page-cache:version", ":1:page-cache:next-change"}


def test_cached_pages_keep_the_security_headers(client):
    first = client.get("/conditions/")
    second = client.get("/conditions/")
    for header in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy"):
        assert second[header] == first[header]


def test_article_pages_are_served_from_the_cache_without_queries(client, django_assert_num_queries):
    article = make_article(title="Cached article", slug="cached-article")
    for path in ("/learn/", article.get_absolute_url(), "/learn/search/?q=cached"):
        first = client.get(path)
        with django_assert_num_queries(0):
            second = client.get(path)
        assert second.content == first.content
        assert "Cached article" in second.content.decode()


def test_publishing_an_article_shows_on_the_list_immediately(
    client, django_capture_on_commit_callbacks
):
    draft = make_article(title="Coming soon article", slug="coming-soon", status=Status.DRAFT)
    assert "Coming soon article" not in client.get("/learn/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = Status.PUBLISHED
        draft.save()
    assert "Coming soon article" in client.get("/learn/").content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_editing_an_article_shows_on_its_page_immediately(client):
    article = make_article(title="Before the edit", slug="edited-article")
    assert "Before the edit" in client.get(article.get_absolute_url()).content.decode()
    article.title = "After the edit"
    article.save()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "After the edit" in page
    assert "Before the edit" not in page


def test_deleting_an_article_removes_it_immediately(client):
    article = make_article(title="Soon deleted article", slug="soon-deleted")
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    client.get("/learn/")
    article.delete()
    assert client.get(url).status_code == 404
    assert "Soon deleted article" not in client.get("/learn/").content.decode()


def test_search_pages_are_kept_per_query(client):
    make_article(title="Sleep and ketamine", slug="sleep", summary="About sleep.")
    make_article(title="Driving home after a session", slug="driving", summary="About driving.")
    assert "Sleep and ketamine" in client.get("/learn/search/?q=sleep").content.decode()
    driving = client.get("/learn/search/?q=driving").content.decode()
    assert "Driving home" in driving
    assert "Sleep and ketamine" not in driving


def test_article_published_ahead_of_time_appears_when_due(client, monkeypatch, settings):
    import datetime

    from django.utils import timezone

    from pages.models import Article

    settings.PAGE_CACHE_SECONDS = 86400  # so that it is not plain expiry that refreshes the page
    due = timezone.now() + datetime.timedelta(hours=2)
    article = make_article(title="Scheduled article", slug="scheduled", publish_at=due)
    assert "Scheduled article" not in client.get("/learn/").content.decode()
    assert "Scheduled article" not in client.get("/learn/").content.decode()  # kept page
    # Two hours pass: the database clock cannot be moved, so move the article instead.
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now())
    monkeypatch.setattr(page_cache, "time", FakeClock(due.timestamp() + 1))
    assert "Scheduled article" in client.get("/learn/").content.decode()


# Parts of pages kept for every visitor: the clinic profile and the frame ({% kept_include %}).


def test_uncached_pages_reuse_the_frame_and_profile_until_content_changes(client):
    first = client.get("/learn/search/", {"q": "ketamine", "fresh": "1"})  # never kept whole
    rename_clinic_behind_the_cache("Renamed Without Signal Clinic")
    again = client.get("/learn/search/", {"q": "ketamine", "fresh": "2"})
    assert "Renamed Without Signal Clinic" not in again.content.decode()
    assert again.content == first.content


def test_saving_the_clinic_profile_updates_the_frame_of_uncached_pages(
    client, django_capture_on_commit_callbacks
):
    client.get("/learn/search/", {"q": "ketamine", "fresh": "1"})
    profile = ClinicProfile.objects.load()
    profile.phone, profile.street_address = "(555) 010-9999", "77 New Street"
    with django_capture_on_commit_callbacks(execute=True):
        profile.save()
    html = client.get("/learn/search/", {"q": "ketamine", "fresh": "2"}).content.decode()
    assert html.count("(555) 010-9999") == 2  # the header and the footer
    assert "77 New Street" in html


@pytest.mark.parametrize(
    ("path", "current"),
    [("/learn/", "/learn/"), ("/conditions/", "/conditions/"), ("/", "/")],
)
def test_the_kept_header_marks_each_page_as_current(client, path, current):
    for other in ("/learn/?fresh=1", "/conditions/?fresh=1", "/?fresh=1"):
        client.get(other)  # every header variant kept first
    html = client.get(path, {"fresh": "2"}).content.decode()
    marked = re.findall(r'<a [^>]*href="([^"]+)"[^>]*aria-current="page"', html)
    assert marked == [current]


def rendered(response) -> list[str]:
    return [template.name for template in response.templates]


def test_a_new_search_renders_only_its_results(staff_client):
    make_article(slug="sleep", title="Sleep", body="Sleep well.")
    visitor = Client()
    first = visitor.get("/learn/search/", {"q": "sleep"})
    assert "pages/search.html" in rendered(first)
    second = visitor.get("/learn/search/", {"q": "well"})
    assert rendered(second) == ["pages/includes/search_results.html"]
    html = second.content.decode()
    assert "<title>Search results for “well” |" in html
    assert 'name="q" type="search" value="well"' in html
    assert "<mark>well</mark>" in html and "1 article found" in html
    # Staff (signed in) never share a kept frame.
    for words in ("sleep", "well"):
        assert "pages/search.html" in rendered(staff_client.get("/learn/search/", {"q": words}))


def test_words_that_look_like_a_placeholder_are_shown_as_typed(client):
    from pages.views import SEARCH_RESULTS, SEARCH_WORDS

    client.get("/learn/search/", {"q": "first"})  # the frame is kept
    words = f'{SEARCH_RESULTS} "{SEARCH_WORDS}" <b>'
    html = client.get("/learn/search/", {"q": words}).content.decode()
    shown = f"{SEARCH_RESULTS} &quot;{SEARCH_WORDS}&quot; &lt;b&gt;"
    assert f"<title>Search results for “{shown}” |" in html
    assert f'value="{shown}"' in html
    assert html.count('class="search-results"') == 1
    assert "<b>" not in html


def test_a_page_reads_the_shared_cache_once(client, django_assert_num_queries, settings):
    settings.CACHES = {
        "default": {"BACKEND": "clinic_site.dbcache.DatabaseCache", "LOCATION": "kept_cache"}
    }
    call_command("createcachetable")
    client.get("/learn/search/", {"q": "ketamine", "fresh": "1"})
    # The content version (one cache read), then the search itself.
    with django_assert_num_queries(2):
        client.get("/learn/search/", {"q": "ketamine", "fresh": "2"})


def test_kept_values_are_made_again_only_for_a_new_content_version(rf):
    made = []

    def make():
        made.append(1)
        return len(made)

    assert kept(rf.get("/"), "test-value", make) == kept(rf.get("/"), "test-value", make) == 1
    page_cache.bump_content_version()
    assert kept(rf.get("/"), "test-value", make) == kept(rf.get("/"), "test-value", make) == 2


def test_kept_values_are_not_kept_when_the_page_cache_is_off(rf, settings):
    settings.PAGE_CACHE_SECONDS = 0
    made = []
    kept(rf.get("/"), "off-value", lambda: made.append(1))
    kept(rf.get("/"), "off-value", lambda: made.append(1))
    assert len(made) == 2
