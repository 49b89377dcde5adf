"""The starter library: readable, complete, unreviewed, and loaded without overwriting edits."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from pages.models import Article, ArticleFAQ, ReviewState, Topic, reading_grade
from pages.rendering import render_markdown
from pages.starter import starter_articles

STARTER = starter_articles()


def load(*args):
    out = StringIO()
    call_command("load_starter_content", *args, stdout=out)
    return out.getvalue()


def test_library_has_at_least_fourteen_articles_covering_every_topic():
    assert len(STARTER) >= 14
    assert {item.topic for item in STARTER} == set(Topic.values)
    slugs = {item.slug for item in STARTER}
    assert len(slugs) == len(STARTER)
    for needed in ("depression", "anxiety", "ptsd", "ocd", "bipolar", "pain", "substance"):
        assert any(needed in slug for slug in slugs), needed


@pytest.mark.parametrize("item", STARTER, ids=lambda item: item.slug)
def test_every_starter_article_reads_at_grade_eight_or_lower(item):
    rendered = render_markdown(item.body)
    assert reading_grade(rendered.sentences_text) <= 8.0
    for question, answer in item.faqs:
        assert reading_grade(f"{question} {answer}") <= 8.0, question


@pytest.mark.parametrize("item", STARTER, ids=lambda item: item.slug)
def test_starter_articles_make_no_promises_and_name_no_one(item):
    text = f"{item.title} {item.summary} {item.body}".lower()
    for word in ("cure", "guarantee", "highly effective", "dr.", "medically reviewed", "$"):
        assert word not in text, word
    for number in ("988", "911"):  # crisis numbers come from the clinic profile only
        assert number not in text
    assert item.related, "link each article to at least one other"
    assert set(item.related) <= {other.slug for other in STARTER}


def test_faq_article_sends_cost_questions_to_the_consultation():
    faq = next(item for item in STARTER if item.slug == "frequently-asked-questions")
    cost = [answer for question, answer in faq.faqs if "cost" in question.lower()]
    assert cost and "ask in your free consultation" in cost[0].lower()


@pytest.mark.django_db
def test_command_loads_published_unreviewed_articles_with_the_disclaimer(client):
    load()
    assert Article.objects.published().count() == len(STARTER)
    assert all(a.review_state == ReviewState.NOT_REVIEWED for a in Article.objects.all())
    assert ArticleFAQ.objects.exists()
    html = client.get("/learn/what-is-ketamine-therapy/").content.decode()
    assert "General information only." in html
    assert "Last updated" in html
    assert "Medically reviewed" not in html


@pytest.mark.django_db
def test_command_is_idempotent_and_never_overwrites_edits():
    load()
    edited = Article.objects.get(slug="aftercare")
    edited.body = "Our own words."
    edited.save()
    Article.objects.get(slug="ketamine-for-ocd").delete()
    renamed = Article.objects.get(slug="ketamine-for-ptsd")
    renamed.slug = "ptsd"
    renamed.save()
    output = load()
    assert "created 1, kept" in output
    assert Article.objects.get(slug="aftercare").body == "Our own words."
    assert Article.objects.filter(slug="ketamine-for-ocd").exists()
    assert not Article.objects.filter(slug="ketamine-for-ptsd").exists()
    assert Article.objects.count() == len(STARTER)


@pytest.mark.django_db
def test_dry_run_changes_nothing():
    output = load("--dry-run")
    assert f"would create {len(STARTER)}" in output
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_starter_articles_link_to_each_other(client):
    load()
    html = client.get("/learn/what-is-ketamine-therapy/").content.decode()
    assert 'href="/learn/what-a-session-is-like/"' in html


@pytest.mark.parametrize("item", STARTER, ids=lambda item: item.slug)
def test_links_between_starter_articles_point_at_real_articles(item):
    slugs = {other.slug for other in STARTER}
    for slug in re.findall(r"\(/learn/([a-z0-9-]+)/\)", item.body):
        assert slug in slugs
