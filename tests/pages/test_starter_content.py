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


def test_library_has_at_least_twenty_six_articles_covering_every_topic():
    assert len(STARTER) >= 26
    assert {item.topic for item in STARTER} == set(Topic.values)
    slugs = {item.slug for item in STARTER}
    assert len(slugs) == len(STARTER)
    for needed in ("depression", "anxiety", "ptsd", "ocd", "bipolar", "pain", "substance"):
        assert any(needed in slug for slug in slugs), needed


@pytest.mark.parametrize("item", STARTER, ids=lambda item: item.slug)
def test_every_starter_article_reads_at_grade_eight_or_lower(item):
    rendered = render_markdown(item.body)
    assert reading_grade(rendered.sentences_text) <= 8.0
    assert reading_grade(item.summary) <= 8.0, item.summary
    for question, answer in item.faqs:
        assert reading_grade(answer) <= 8.0, question
        assert reading_grade(f"{question} {answer}") <= 8.0, question


@pytest.mark.parametrize("item", STARTER, ids=lambda item: item.slug)
def test_starter_articles_make_no_promises_and_name_no_one(item):
    text = f"{item.title} {item.summary} {item.body}".lower()
    for word in ("cure", "guarantee", "highly effective", "dr.", "medically reviewed", "$"):
        assert word not in text, word
    assert item.related, "link each article to at least one other"
    assert set(item.related) <= {other.slug for other in STARTER}


def test_faq_article_sends_cost_questions_to_the_consultation():
    faq = next(item for item in STARTER if item.slug == "frequently-asked-questions")
    cost = [answer for question, answer in faq.faqs if "cost" in question.lower()]
    assert cost and "ask in your free consultation" in cost[0].lower()


@pytest.mark.django_db
def test_a_real_install_loads_the_articles_as_drafts_awaiting_review(client):
    output = load()
    assert "as drafts awaiting clinical review" in output
    assert Article.objects.count() == len(STARTER)
    assert not Article.objects.published().exists()
    assert ArticleFAQ.objects.exists()
    assert client.get("/learn/what-is-ketamine-therapy/").status_code == 404


@pytest.mark.django_db
def test_the_demo_publishes_them_saying_no_clinician_reviewed_them(client):
    load("--demo")
    assert Article.objects.published().count() == len(STARTER)
    assert Article.objects.in_review_state(ReviewState.NOT_REVIEWED).count() == len(STARTER)
    html = client.get("/learn/what-is-ketamine-therapy/").content.decode()
    assert "General information only." in html
    assert "Not yet reviewed by a clinician" in html
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
    assert "created 1 (" in output and f"kept {len(STARTER) - 1}" in output
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
    load("--demo")
    html = client.get("/learn/what-is-ketamine-therapy/").content.decode()
    assert 'href="/learn/what-a-session-is-like/"' in html


@pytest.mark.parametrize("item", STARTER, ids=lambda item: item.slug)
def test_links_between_starter_articles_point_at_real_articles(item):
    slugs = {other.slug for other in STARTER}
    for slug in re.findall(r"\(/learn/([a-z0-9-]+)/\)", item.body):
        assert slug in slugs


def _text(item) -> str:
    """Return what a reader of the article page reads, in page order: body, then questions."""
    faqs = " ".join(f"{question} {answer}" for question, answer in item.faqs)
    return f"{render_markdown(item.body).text} {faqs}"


def _links_into(slug: str) -> set[str]:
    """Return the slugs of the other starter articles that link to `slug`, in text or related."""
    return {
        item.slug
        for item in STARTER
        if item.slug != slug and (f"(/learn/{slug}/)" in item.body or slug in item.related)
    }


@pytest.mark.parametrize("item", STARTER, ids=lambda item: item.slug)
def test_no_article_is_an_orphan(item):
    assert len(_links_into(item.slug)) >= 2, _links_into(item.slug)


# The crisis numbers appear only in these words, so a later change can render them from the
# clinic profile (one source) and a reader always learns how to use them.
CRISIS_WORDING = re.compile(
    r"call or text 988|call 988 and press 1|text 988|chat at 988lifeline\.org|988lifeline\.org"
    r"|the number 988|the 988 suicide & crisis lifeline|call 911"
)


@pytest.mark.parametrize("item", STARTER, ids=lambda item: item.slug)
def test_crisis_numbers_appear_only_in_the_standard_wording(item):
    text = CRISIS_WORDING.sub("", _text(item).lower())
    assert "988" not in text
    assert "911" not in text
    assert "crisis line shown at the top" not in text  # the numbers are in the words now


@pytest.mark.parametrize("item", STARTER, ids=lambda item: item.slug)
def test_articles_that_mention_thoughts_of_suicide_say_how_to_reach_help(item):
    text = _text(item).lower()
    if "thoughts of suicide" in text or "thinking about suicide" in text:
        assert "call or text 988" in text


def test_suicide_article_follows_safe_messaging_practice():
    item = next(item for item in STARTER if item.slug == "if-you-are-thinking-about-suicide")
    text = _text(item).lower()
    for needed in (
        "call or text 988",
        "988lifeline.org",
        "call 911",
        "nearest emergency department",
        "not an emergency treatment",
        "you are not alone",
    ):
        assert needed in text, needed


CONDITIONS = [item for item in STARTER if item.topic == Topic.CONDITIONS]


@pytest.mark.parametrize("item", CONDITIONS, ids=lambda item: item.slug)
def test_every_condition_page_states_that_ketamine_is_not_fda_approved_for_it(item):
    text = render_markdown(item.body).text
    assert "not FDA-approved" in text
    assert "off-label" in text


@pytest.mark.parametrize("item", CONDITIONS, ids=lambda item: item.slug)
def test_condition_pages_say_what_the_evidence_does_not_show(item):
    if item.slug == "ketamine-for-depression" or "does not show" in item.body:
        assert "## What the evidence does not show" in item.body


# A word a reader may not know, and the words that explain it where it is first used.
EXPLAINED = {
    "FDA": "Food and Drug Administration",
    "clinician": "trained health professional",
    "prescriber": "professional who prescribe",
}


@pytest.mark.parametrize("item", STARTER, ids=lambda item: item.slug)
@pytest.mark.parametrize("word", EXPLAINED)
def test_fda_clinician_and_prescriber_are_explained_where_first_used(item, word):
    text = _text(item)
    first = re.search(rf"\b{word}\b", text)
    if first:
        nearby = text[max(0, first.start() - 20) : first.end() + 120]
        assert EXPLAINED[word] in nearby, nearby


@pytest.mark.parametrize("item", STARTER, ids=lambda item: item.slug)
def test_what_the_evidence_does_not_show_ends_with_a_next_step(item):
    _, found, rest = item.body.partition("## What the evidence does not show")
    if not found:
        return
    section = rest.split("\n## ", 1)[0].strip()
    last_paragraph = section.split("\n\n")[-1]
    assert not last_paragraph.startswith("- "), "end the section with a next step, not a list"


def test_every_article_gives_one_answer_on_time_at_the_clinic():
    for item in STARTER:
        text = _text(item)
        for hours in re.findall(r"about ([\d.]+ to [\d.]+) hours", text):
            assert hours == "1.5 to 2", item.slug
        assert "too low to put you to sleep" not in text, item.slug
        assert "You stay awake" not in text, item.slug
        assert "never left on your own" not in text, item.slug


def test_no_article_claims_staff_the_demo_clinic_may_not_have():
    for item in STARTER:
        text = _text(item)
        for claim in ("A nurse", "We only give ketamine", "Conditions we treat", "your prescriber"):
            assert claim not in text, (item.slug, claim)
