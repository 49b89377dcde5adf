"""The weekly review digest, and the review queue on the admin home."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from pages.models import Status
from pages.review import publish_draft
from tests.factories import make_approval, make_article, make_user, sign_in_verified

pytestmark = pytest.mark.django_db


def approved_live(slug, *, days_ago, publisher=None):
    article = make_article(slug=slug, title=slug.title(), status=Status.DRAFT)
    make_approval(article, decided_at=timezone.now() - datetime.timedelta(days=days_ago))
    publish_draft(article=article, user=publisher)
    return article


def digest(*args):
    out, err = StringIO(), StringIO()
    call_command("send_review_digest", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_each_publisher_hears_of_their_due_and_overdue_articles(mailoutbox, settings, editor):
    settings.MEDICAL_DIRECTOR_EMAIL = "director@clinic.example"
    other = make_user(username="other", email="other@clinic.example", is_staff=True)
    approved_live("fresh", days_ago=10, publisher=editor)
    approved_live("due-soon", days_ago=350, publisher=editor)
    approved_live("overdue", days_ago=380, publisher=other)
    approved_live("long-overdue", days_ago=420, publisher=other)
    digest()
    sent = {message.to[0]: message.body for message in mailoutbox}
    assert "Due-Soon: review due on" in sent["eddie@clinic.example"]
    assert "Fresh" not in sent["eddie@clinic.example"]
    assert "Overdue: review overdue since" in sent["other@clinic.example"]
    assert "Long-Overdue" in sent["director@clinic.example"]
    assert "- Overdue:" not in sent["director@clinic.example"]  # within the grace period


def test_articles_nobody_published_go_to_every_editor(mailoutbox, editor):
    make_article(slug="starter")  # live, never reviewed, published by the starter library
    digest()
    (message,) = mailoutbox
    assert message.to == ["eddie@clinic.example"]
    assert "Test article: never reviewed by a clinician" in message.body
    assert "/sign-off/" in message.body


def test_without_a_medical_director_the_command_says_nobody_was_told(mailoutbox, settings):
    settings.MEDICAL_DIRECTOR_EMAIL = ""
    approved_live("long-overdue", days_ago=420)
    assert "MEDICAL_DIRECTOR_EMAIL is not set: nobody was told" in digest()


def test_dry_run_sends_nothing(mailoutbox, editor):
    make_article()
    output = digest("--dry-run")
    assert "Would send to eddie@clinic.example" in output
    assert mailoutbox == []


def test_the_admin_home_shows_the_review_queue(client, editor):
    waiting = make_article(slug="waiting", title="Waiting for review", status=Status.DRAFT)
    sign_in_verified(client, editor)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Changed, awaiting clinical review (1)" in html
    assert reverse("admin:pages_article_signoff", args=[waiting.pk]) in html
