"""Clinical sign-off in the admin: the live version, approvals of exact text, the publish gate."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pages.models import Article, ArticleFAQ, ClinicalReview, Decision, ReviewState, Status
from pages.review import publish_draft
from tests.factories import (
    make_approval,
    make_article,
    make_clinician,
    make_user,
    sign_in_verified,
)

pytestmark = pytest.mark.django_db

PAGE = "/learn/test-article/"


def signoff(article):
    return reverse("admin:pages_article_signoff", args=[article.pk])


def edit_in_admin(client, article, **changes):
    """Save the article's change form as an editor would, with some fields changed."""
    data = {
        "title": article.title,
        "slug": article.slug,
        "topic": article.topic,
        "order": article.order,
        "summary": article.summary,
        "body": article.body,
        "publish_at_0": timezone.localtime(article.publish_at).strftime("%Y-%m-%d"),
        "publish_at_1": timezone.localtime(article.publish_at).strftime("%H:%M:%S"),
        "faqs-TOTAL_FORMS": "0",
        "faqs-INITIAL_FORMS": "0",
        **changes,
    }
    response = client.post(reverse("admin:pages_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]


def post(client, article, action, **data):
    return client.post(signoff(article), {"action": action, **data}, follow=True)


@pytest.fixture
def live(client):
    """A live article, approved by a clinician a month ago."""
    article = make_article(status=Status.DRAFT, body="The approved words.")
    clinician = make_clinician(name="Ana Lopez", credentials="MD")
    make_approval(article, clinician=clinician, decided_at=timezone.now() - datetime.timedelta(30))
    publish_draft(article=article, user=None)
    return Article.objects.get(pk=article.pk)


def test_an_approved_live_article_names_its_reviewer_and_next_review(client, live):
    html = client.get(PAGE).content.decode()
    assert "Medically reviewed by Ana Lopez, MD on" in html
    assert "Next review due" in html
    assert "Not yet reviewed" not in html


def test_editing_a_live_article_keeps_the_public_on_the_approved_version(client, live, editor):
    sign_in_verified(client, editor)
    edit_in_admin(client, live, body="New words nobody has checked.")
    client.logout()
    html = client.get(PAGE).content.decode()
    assert "The approved words." in html
    assert "New words nobody has checked." not in html
    assert "Medically reviewed by Ana Lopez, MD" in html


def test_publishing_without_an_approval_is_refused(client, live, editor):
    sign_in_verified(client, editor)
    edit_in_admin(client, live, body="New words nobody has checked.")
    html = post(client, live, "publish").content.decode()
    assert "has not been approved by a clinician, so it cannot be published" in html
    client.logout()
    assert "The approved words." in client.get(PAGE).content.decode()


def test_any_change_to_the_text_or_questions_voids_the_approval(live):
    live.body = "Changed after approval."
    live.save()
    draft_fp = live.draft_fingerprint()
    assert not ClinicalReview.objects.filter(fingerprint=draft_fp).exists()
    live.body = "The approved words."
    live.save()
    assert ClinicalReview.objects.filter(fingerprint=live.draft_fingerprint()).exists()
    ArticleFAQ.objects.create(article=live, question="New?", answer="Unreviewed answer.")
    assert not ClinicalReview.objects.filter(fingerprint=live.draft_fingerprint()).exists()


def test_a_clinical_reviewer_approves_and_the_editor_publishes(
    client, live, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in_verified(client, editor)
    edit_in_admin(client, live, body="Better words.")
    client.logout()
    rivera = make_clinician(name="Rosa Rivera", credentials="MD")
    sign_in_verified(client, reviewer)
    page = client.get(signoff(live)).content.decode()
    assert "Changed, awaiting clinical review" in page
    fingerprint = Article.objects.get(pk=live.pk).draft_fingerprint()
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            client,
            live,
            "decide",
            clinician=rivera.pk,
            decision=Decision.APPROVED,
            comment="Clear and accurate.",
            fingerprint=fingerprint,
        )
    assert "Recorded: approved." in response.content.decode()
    assert [m.to for m in mailoutbox] == [["eddie@clinic.example"]]
    assert "Clear and accurate." in mailoutbox[0].body
    client.logout()
    sign_in_verified(client, editor)
    assert "Published" in post(client, live, "publish").content.decode()
    client.logout()
    html = client.get(PAGE).content.decode()
    assert "Better words." in html
    assert "Medically reviewed by Rosa Rivera, MD on" in html


def test_sending_back_needs_a_comment_and_emails_it(
    client, live, editor, reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    sign_in_verified(client, editor)
    edit_in_admin(client, live, body="Risky words.")
    client.logout()
    sign_in_verified(client, reviewer)
    data = {
        "clinician": make_clinician(name="Rosa Rivera").pk,
        "decision": Decision.CHANGES_REQUESTED,
        "fingerprint": Article.objects.get(pk=live.pk).draft_fingerprint(),
    }
    html = post(client, live, "decide", comment="", **data).content.decode()
    assert "Please say what should change" in html
    assert not live.reviews.filter(decision=Decision.CHANGES_REQUESTED).exists()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, live, "decide", comment="Dose wording is wrong.", **data)
    assert "Dose wording is wrong." in mailoutbox[0].body
    assert "Sent back for changes" in client.get(signoff(live)).content.decode()


def test_an_editor_cannot_approve_their_own_work(client, live, reviewer):
    from django.contrib.auth.models import Group

    from staff.roles import EDITOR

    reviewer.groups.add(Group.objects.get(name=EDITOR))  # a medical director who also edits
    sign_in_verified(client, reviewer)
    edit_in_admin(client, live, body="The reviewer's own edit.")
    html = post(
        client,
        live,
        "decide",
        clinician=make_clinician().pk,
        decision=Decision.APPROVED,
        fingerprint=Article.objects.get(pk=live.pk).draft_fingerprint(),
    ).content.decode()
    assert "another clinician must review it" in html
    assert not live.reviews.filter(decided_by=reviewer).exists()


def test_a_superuser_is_no_shortcut(client, live):
    boss = make_user(username="boss", is_staff=True, is_superuser=True)
    sign_in_verified(client, boss)
    edit_in_admin(client, live, body="Edited by the superuser.")
    html = post(
        client,
        live,
        "decide",
        clinician=make_clinician().pk,
        decision=Decision.APPROVED,
        fingerprint=Article.objects.get(pk=live.pk).draft_fingerprint(),
    ).content.decode()
    assert "Only members of the Clinical reviewer group" in html
    assert "has not been approved" in post(client, live, "publish").content.decode()


def test_an_approval_of_a_version_seen_before_an_edit_is_refused(client, live, reviewer):
    stale = live.draft_fingerprint()
    live.body = "Edited while the reviewer was reading."
    live.save()
    sign_in_verified(client, reviewer)
    html = post(
        client,
        live,
        "decide",
        clinician=make_clinician().pk,
        decision=Decision.APPROVED,
        fingerprint=stale,
    ).content.decode()
    assert "changed after this page was opened" in html
    assert live.reviews.count() == 1


def test_a_non_clinical_fix_needs_a_second_staff_member(
    client, live, editor, django_capture_on_commit_callbacks
):
    sign_in_verified(client, editor)
    edit_in_admin(client, live, body="The approved wrods fixed.")
    post(client, live, "fix", reason="Typo in the first line")
    pending = live.versions.get(published_at=None)
    html = post(client, live, "confirm-fix", version=pending.pk).content.decode()
    assert "A different staff member must confirm your fix." in html
    client.logout()
    assert "The approved words." in client.get(PAGE).content.decode()
    colleague = make_user(username="colleague", is_staff=True, is_superuser=True)
    sign_in_verified(client, colleague)
    with django_capture_on_commit_callbacks(execute=True):  # empties the page cache
        post(client, live, "confirm-fix", version=pending.pk)
    client.logout()
    html = client.get(PAGE).content.decode()
    assert "The approved wrods fixed." in html
    assert "Medically reviewed by Ana Lopez, MD on" in html  # the review it had, honestly
    assert "Wording corrected" in html and "no change to the medical content" in html


def test_an_overdue_review_stays_up_and_says_so(client):
    article = make_article(status=Status.DRAFT)
    make_approval(article, decided_at=timezone.now() - datetime.timedelta(days=400))
    publish_draft(article=article, user=None)
    html = client.get(PAGE).content.decode()
    assert "Medically reviewed by Dana Reviewer, MD" in html
    assert "Review overdue since" in html
    assert list(Article.objects.in_review_state(ReviewState.OVERDUE)) == [article]


def test_with_approval_turned_off_a_draft_publishes_as_not_reviewed(client, settings, editor):
    settings.REQUIRE_CLINICAL_APPROVAL = False
    article = make_article(status=Status.DRAFT, body="Plain words.")
    sign_in_verified(client, editor)
    post(client, article, "publish")
    client.logout()
    html = client.get(PAGE).content.decode()
    assert "Plain words." in html
    assert "Not yet reviewed by a clinician" in html


def test_taking_an_article_offline_and_restoring_history_never_republishes(client, live, editor):
    sign_in_verified(client, editor)
    post(client, live, "take-offline")
    assert client.get(PAGE).status_code == 200  # staff see the draft preview
    client.logout()
    assert client.get(PAGE).status_code == 404
    live.refresh_from_db()
    live.history.earliest().instance.save()  # what "Revert" in the history does
    assert client.get(PAGE).status_code == 404


def test_an_article_cannot_be_related_to_itself(client, live, editor):
    sign_in_verified(client, editor)
    response = client.post(
        reverse("admin:pages_article_change", args=[live.pk]),
        {
            "title": live.title,
            "slug": live.slug,
            "topic": live.topic,
            "order": live.order,
            "summary": live.summary,
            "body": live.body,
            "related": [live.pk],
            "publish_at_0": "2026-01-01",
            "publish_at_1": "09:00:00",
            "faqs-TOTAL_FORMS": "0",
            "faqs-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "An article cannot be related to itself." in response.content.decode()


def test_the_signoff_page_lists_decisions_and_live_versions(client, live, editor):
    sign_in_verified(client, editor)
    html = client.get(signoff(live)).content.decode()
    assert "Same as the live version" in html
    assert "Ana Lopez, MD" in html
    assert "(live now)" in html


def test_staff_preview_the_draft_of_a_live_article(client, live, editor):
    live.body = "Draft words."
    live.save()
    sign_in_verified(client, editor)
    response = client.get(reverse("admin:pages_article_draft", args=[live.pk]))
    html = response.content.decode()
    assert "Draft words." in html and "Draft preview" in html
    assert "no-store" in response["Cache-Control"]


def test_the_front_desk_cannot_open_the_signoff_page(client, live):
    from django.contrib.auth.models import Group

    from staff.roles import FRONT_DESK

    desk = make_user(username="desk", is_staff=True, groups=[Group.objects.get(name=FRONT_DESK)])
    sign_in_verified(client, desk)
    assert client.get(signoff(live)).status_code == 403


def test_articles_live_before_sign_off_stay_live_marked_not_reviewed(client):
    """The data migration gives each published article a live version, claiming no review."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("pages.migrations.0010_publish_existing_articles_unreviewed")
    article = make_article(status=Status.DRAFT, faqs=[("Does it hurt?", "Rarely.")])
    Article.objects.filter(pk=article.pk).update(status=Status.PUBLISHED)
    migration.publish_existing(apps, schema_editor=None)
    article.refresh_from_db()
    assert article.live.fingerprint == article.draft_fingerprint()
    html = client.get(PAGE).content.decode()
    assert "Not yet reviewed by a clinician" in html and "Does it hurt?" in html
