"""The page cache: public pages kept for anonymous visitors, fresh the moment content changes.

Each test runs against both caches a production install can share between app servers:
PostgreSQL's database cache (the default) and Redis (see the `shared_cache` fixture).
"""

import datetime
import threading
import time

import pytest
from django.core.cache import caches
from django.db import connections, transaction
from django.test import Client
from django.utils import timezone

from pages.models import Article, ClinicProfile, PublishedVersion
from pages.review import publish_unreviewed
from tests.factories import make_article

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_cache")]

PUBLIC_PAGES = ["/", "/learn/", "/conditions/", "/what-to-expect/", "/privacy/"]


def rename_clinic_quietly(name: str) -> None:
    """Change the clinic's name without any signal, as a page cache cannot notice."""
    ClinicProfile.objects.filter(pk=1).update(name=name)


@pytest.fixture(autouse=True)
def clinic(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        profile, _ = ClinicProfile.objects.update_or_create(
            pk=1, defaults={"name": "Bayside Clinic", "phone": "(503) 555-0100"}
        )
        return profile


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_second_anonymous_visit_gets_the_kept_page(client, path):
    assert "Bayside Clinic" in client.get(path).content.decode()
    rename_clinic_quietly("Renamed Quietly")
    assert "Bayside Clinic" in client.get(path).content.decode()


def test_saving_the_clinic_profile_shows_on_every_page_once_it_commits(
    client, django_capture_on_commit_callbacks
):
    for path in PUBLIC_PAGES:
        client.get(path)
    profile = ClinicProfile.objects.get()
    profile.crisis_message = "Need help right now? Reach out."
    with django_capture_on_commit_callbacks(execute=True):
        profile.save()
    for path in PUBLIC_PAGES:
        assert "Need help right now? Reach out." in client.get(path).content.decode(), path


@pytest.mark.django_db(transaction=True)
def test_a_page_shown_while_staff_save_new_crisis_wording_never_keeps_the_old_wording(client):
    """A visitor whose page is built mid-save sees the old wording once; everyone after, the new."""
    profile = ClinicProfile.objects.get()
    with transaction.atomic():
        profile.crisis_message = "New wording, saved by staff."
        profile.save()
        # Another visitor's page is built from the committed (old) row meanwhile.
        seen = run_in_thread(lambda: Client().get("/privacy/").content.decode())
        assert "New wording" not in seen
    for path in ("/privacy/", "/"):
        assert "New wording, saved by staff." in client.get(path).content.decode(), path


def run_in_thread(func):
    """Return func() as run by another thread, on its own database connection."""
    result = []

    def target():
        try:
            result.append(func())
        finally:
            connections.close_all()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    return result[0]


def test_a_save_that_rolls_back_leaves_the_kept_pages(client, django_capture_on_commit_callbacks):
    client.get("/")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ClinicProfile.objects.filter(pk=1).update(name="Never committed")
        ClinicProfile.objects.get().save()
    # The callbacks are dropped, as on a rollback: the page cache is not emptied.
    assert callbacks
    assert "Bayside Clinic" in client.get("/").content.decode()


def test_an_article_saved_in_the_admin_empties_the_page_cache_once(
    admin_client, monkeypatch, django_capture_on_commit_callbacks
):
    article = make_article(title="Before the edit", faqs=[("Q one?", "A one.")])
    Client().get("/learn/")
    pages = caches["pages"]
    cleared = []
    monkeypatch.setattr(pages, "clear", lambda: cleared.append(True))
    data = {
        "title": "After the edit",
        "slug": article.slug,
        "topic": article.topic,
        "order": article.order,
        "summary": article.summary,
        "body": article.body,
        "status": article.status,
        "publish_at_0": timezone.localtime(article.publish_at).strftime("%Y-%m-%d"),
        "publish_at_1": timezone.localtime(article.publish_at).strftime("%H:%M:%S"),
        "faqs-TOTAL_FORMS": "1",
        "faqs-INITIAL_FORMS": "1",
        "faqs-0-id": str(article.faqs.get().pk),
        "faqs-0-article": str(article.pk),
        "faqs-0-question": "Q one, edited?",
        "faqs-0-answer": "A one.",
        "faqs-0-order": "0",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/pages/article/{article.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get().title == "After the edit"
    assert cleared == [True]


def test_changing_an_article_shows_on_its_page_and_the_lists(
    client, django_capture_on_commit_callbacks
):
    article = make_article(title="Sleep and ketamine")
    for path in ("/learn/", article.get_absolute_url()):
        client.get(path)
    article.title = "Rest and ketamine"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()
        publish_unreviewed(article)  # the public reads the live version
    assert "Rest and ketamine" in client.get("/learn/").content.decode()
    assert "Rest and ketamine" in client.get(article.get_absolute_url()).content.decode()


def test_deleting_an_article_takes_it_off_the_site_at_once(
    client, django_capture_on_commit_callbacks
):
    article = make_article(title="Soon gone")
    assert client.get(article.get_absolute_url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Soon gone" not in client.get("/learn/").content.decode()


def test_an_article_published_ahead_of_time_appears_when_due_without_a_save(client):
    make_article(title="Due very soon", publish_at=timezone.now() + datetime.timedelta(seconds=2))
    assert "Due very soon" not in client.get("/learn/").content.decode()
    time.sleep(2.5)
    assert "Due very soon" in client.get("/learn/").content.decode()


def test_a_page_shown_to_signed_in_staff_is_never_kept(admin_client, client):
    response = admin_client.get("/")
    assert "private" in response["Cache-Control"]
    rename_clinic_quietly("Renamed Quietly")
    # Nothing the staff member was shown was kept for visitors.
    assert "Renamed Quietly" in client.get("/").content.decode()


def test_visitors_with_other_cookies_share_the_one_kept_page(client):
    client.get("/")
    rename_clinic_quietly("Renamed Quietly")
    other = Client()
    other.cookies["csrftoken"] = "x" * 32  # anyone who has opened the consultation form
    assert "Bayside Clinic" in other.get("/").content.decode()


def test_a_kept_page_still_checks_the_host(client):
    assert client.get("/", HTTP_HOST="testserver").status_code == 200
    response = client.get("/", HTTP_HOST="attacker.example")
    assert response.status_code == 400


def test_a_search_is_never_kept(client):
    make_article(title="Nausea after a session")
    client.get("/learn/search/?q=nausea")
    PublishedVersion.objects.update(title="Nausea and feeling sick after a session")
    assert "feeling sick" in client.get("/learn/search/?q=nausea").content.decode()


def test_the_consultation_form_is_rendered_for_each_visitor(client):
    first = Client().get("/consultation/")
    second = Client().get("/consultation/")
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert "no-store" in first["Cache-Control"]


def test_browsers_may_reuse_a_page_briefly_and_get_a_304_when_nothing_changed(client, settings):
    first = client.get("/")
    assert f"max-age={settings.CACHE_MIDDLEWARE_SECONDS}" in first["Cache-Control"]
    again = client.get("/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert again.content == b""


def test_kept_pages_keep_the_security_headers(client):
    client.get("/")
    kept = client.get("/")
    assert "default-src 'self'" in kept["Content-Security-Policy"]
    assert kept["X-Frame-Options"] == "DENY"
    assert "camera=()" in kept["Permissions-Policy"]


def test_a_kept_page_sets_no_cookie(client):
    client.get("/")
    assert not client.get("/").cookies


def test_the_page_cache_can_be_turned_off(client, settings):
    settings.CACHE_MIDDLEWARE_SECONDS = 0
    client.get("/")
    rename_clinic_quietly("Renamed Quietly")
    assert "Renamed Quietly" in client.get("/").content.decode()


def test_each_visitor_gets_their_own_tokens_around_the_kept_form_fields(client):
    first = Client().get("/consultation/?from=/learn/aftercare/").content.decode()
    second = Client().get("/consultation/").content.decode()
    token = 'name="token" value="'
    first_token = first[first.index(token) + len(token) :].split('"')[0]
    assert first_token and first_token not in second
    assert 'value="/learn/aftercare/"' in first and "/learn/aftercare/" not in second
    assert 'id="id_first_name"' in second  # the kept fields are there


def test_answers_shown_again_are_never_kept_for_the_next_visitor(client):
    Client().get("/consultation/")  # the empty fields are kept
    Client().post("/consultation/", {"first_name": "Marker Kept Nowhere"})
    assert "Marker Kept Nowhere" not in Client().get("/consultation/").content.decode()
