"""Review links: an outside clinician reads the draft and decides, with no login."""

import datetime
import logging
import re

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from pages.models import Article, Decision, ReviewLink, ReviewLinkVisit, Status
from pages.review import publish_draft
from tests.factories import make_approval, make_article, sign_in_verified

pytestmark = pytest.mark.django_db

REVIEW = "/review/"


@pytest.fixture
def sent(client, editor, mailoutbox):
    """A live article whose draft has changes, and a review link emailed for it."""
    article = make_article(status=Status.DRAFT, body="The approved words.")
    make_approval(article)
    publish_draft(article=article, user=None)
    article.refresh_from_db()
    article.body = "Words for the outside reviewer."
    article.save()
    sign_in_verified(client, editor)
    client.post(
        reverse("admin:pages_article_signoff", args=[article.pk]),
        {
            "action": "send-link",
            "reviewer_name": "Sam Okafor",
            "reviewer_credentials": "MD, PhD",
            "reviewer_email": "sam@hospital.example",
        },
    )
    client.logout()
    (email,) = mailoutbox
    key = re.search(r"/review/\?key=([\w-]+)", email.body).group(1)
    return article, key


def decide(client, article, key, **overrides):
    data = {
        "key": key,
        "confirm": "on",
        "decision": Decision.APPROVED,
        "comment": "",
        "fingerprint": Article.objects.get(pk=article.pk).draft_fingerprint(),
        **overrides,
    }
    return client.post(REVIEW, data)


def test_the_email_names_the_article_and_only_a_hash_of_the_key_is_stored(sent, mailoutbox):
    _, key = sent
    assert mailoutbox[0].to == ["sam@hospital.example"]
    assert settings.SITE_URL + "/review/?key=" in mailoutbox[0].body
    link = ReviewLink.objects.get()
    assert link.token_hash != key and len(link.token_hash) == 64
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM pages_reviewlink")
        assert key not in str(cursor.fetchall())


def test_opening_the_link_shows_the_draft_changes_nothing_and_is_logged(client, sent):
    article, key = sent
    response = client.get(REVIEW, {"key": key})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Words for the outside reviewer." in html
    assert "For review by Sam Okafor" in html
    assert "I am Sam Okafor, MD, PhD" in html
    assert "no-store" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    assert response["Referrer-Policy"] == "same-origin"  # the key never leaves the site
    assert not article.reviews.filter(review_link__isnull=False).exists()
    assert list(ReviewLinkVisit.objects.values_list("action", flat=True)) == ["viewed"]
    assert "_auth_user_id" not in client.session  # nobody is signed in by a link


def test_the_key_never_reaches_the_request_log(client, sent, caplog):
    _, key = sent
    with caplog.at_level(logging.INFO, logger="clinic_site.request"):
        client.get(REVIEW, {"key": key})
    assert "path=/review/" in caplog.text
    assert key not in caplog.text


def test_approving_needs_the_reviewer_to_confirm_who_they_are(client, sent):
    article, key = sent
    response = decide(client, article, key, confirm="")
    assert "Please confirm your name and credentials." in response.content.decode()
    assert not ReviewLink.objects.get().used_at


def test_the_reviewer_approves_and_the_link_is_used_up(client, sent, mailoutbox):
    article, key = sent
    response = decide(client, article, key, comment="Fine by me.")
    assert "Thank you for your review" in response.content.decode()
    review = article.reviews.get(review_link__isnull=False)
    assert review.reviewer == "Sam Okafor, MD, PhD" and review.decision == Decision.APPROVED
    again = client.get(REVIEW, {"key": key})
    assert again.status_code == 404
    assert "You already sent your review with this link" in again.content.decode()
    assert decide(client, article, key).status_code == 404
    assert article.reviews.filter(review_link__isnull=False).count() == 1


def test_sending_back_needs_a_comment(client, sent):
    article, key = sent
    response = decide(client, article, key, decision=Decision.CHANGES_REQUESTED)
    assert "Please say what should change" in response.content.decode()
    decide(client, article, key, decision=Decision.CHANGES_REQUESTED, comment="Add dosing.")
    assert article.reviews.get(review_link__isnull=False).comment == "Add dosing."


def test_an_expired_link_no_longer_opens_the_draft(client, sent):
    article, key = sent
    ReviewLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(REVIEW, {"key": key})
    assert response.status_code == 404
    assert "This link expired on" in response.content.decode()
    assert "Words for the outside reviewer." not in response.content.decode()
    assert decide(client, article, key).status_code == 404
    assert ReviewLinkVisit.objects.filter(action="refused").count() == 2


def test_a_withdrawn_link_no_longer_opens_the_draft(client, sent, editor):
    article, key = sent
    sign_in_verified(client, editor)
    client.post(
        reverse("admin:pages_article_signoff", args=[article.pk]),
        {"action": "revoke", "link": ReviewLink.objects.get().pk},
    )
    client.logout()
    response = client.get(REVIEW, {"key": key})
    assert response.status_code == 404
    assert "The clinic has withdrawn this link." in response.content.decode()


@pytest.mark.parametrize("key", ["", "wrong", "x" * 500])
def test_an_unknown_key_opens_nothing(client, sent, key):
    response = client.get(REVIEW, {"key": key})
    assert response.status_code == 404
    assert "Words for the outside reviewer." not in response.content.decode()


def test_a_draft_changed_after_opening_asks_the_reviewer_to_read_it_again(client, sent):
    article, key = sent
    seen = Article.objects.get(pk=article.pk).draft_fingerprint()
    article.body = "Changed while the reviewer read."
    article.save()
    response = decide(client, article, key, fingerprint=seen)
    html = response.content.decode()
    assert "The article was changed after this page was opened" in html
    assert "Changed while the reviewer read." in html
    assert not ReviewLink.objects.get().used_at


def test_the_email_cannot_be_sent_no_link_is_kept(client, editor, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 1
    article = make_article()
    sign_in_verified(client, editor)
    response = client.post(
        reverse("admin:pages_article_signoff", args=[article.pk]),
        {
            "action": "send-link",
            "reviewer_name": "Sam Okafor",
            "reviewer_credentials": "MD",
            "reviewer_email": "sam@hospital.example",
        },
        follow=True,
    )
    assert "The email could not be sent, so no link was made." in response.content.decode()
    assert not ReviewLink.objects.exists()


def test_a_link_needs_the_reviewers_name_credentials_and_email(client, editor):
    article = make_article()
    sign_in_verified(client, editor)
    response = client.post(
        reverse("admin:pages_article_signoff", args=[article.pk]),
        {"action": "send-link", "reviewer_name": "Sam", "reviewer_email": "not-an-email"},
    )
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert "This field is required." in html
    assert not ReviewLink.objects.exists()
