"""Article search: ranking, highlighted snippets that stay safe, and any input handled kindly."""

import pytest
from django.db import connection

from pages.models import Article, Status
from pages.search import MAX_QUERY_LENGTH, clean_query, highlight, text_query
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    make_article(
        slug="in-body",
        title="Getting home",
        summary="Plans for the day.",
        body="Someone must drive you home. Nausea can happen.",
    )
    make_article(
        slug="in-title",
        title="Nausea and other side effects",
        summary="What you may feel.",
        body="Some effects are short-lived.",
    )
    make_article(
        slug="in-summary",
        title="During the infusion",
        summary="Nausea is one thing staff watch for.",
        body="Staff check your heart rate.",
    )
    make_article(
        slug="draft",
        title="Nausea draft",
        summary="Hidden.",
        body="Nausea.",
        status=Status.DRAFT,
    )


def result_slugs(client, query):
    html = client.get("/learn/search/", {"q": query}).content.decode()
    return [
        slug for slug in ("in-title", "in-summary", "in-body", "draft") if f"/learn/{slug}/" in html
    ]


def test_title_outranks_summary_outranks_body(client, library):
    html = client.get("/learn/search/", {"q": "nausea"}).content.decode()
    positions = [
        html.index(f'href="/learn/{slug}/"') for slug in ("in-title", "in-summary", "in-body")
    ]
    assert positions == sorted(positions)
    assert "/learn/draft/" not in html
    assert "3 articles found" in html


def test_snippet_highlights_the_words_found(client, library):
    html = client.get("/learn/search/", {"q": "drive"}).content.decode()
    assert "<mark>drive</mark>" in html


def test_snippet_escapes_article_text_and_keeps_only_our_marks(client):
    make_article(slug="tricky", body='Nausea <b>bold</b> and "quotes" & <script>x</script>.')
    make_article(slug="tricky-2", body="Nausea a &lt;img src=x onerror=alert(1)&gt; b")
    html = client.get("/learn/search/", {"q": "nausea"}).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert" in html
    assert "<mark>Nausea</mark>" in html


def test_highlight_escapes_everything_but_the_markers():
    assert highlight("a <b> \x02word\x03 & 'c'") == (
        "a &lt;b&gt; <mark>word</mark> &amp; &#x27;c&#x27;"
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type a word or two"),
        ("   ", "Type a word or two"),
        ("!!! ??? &&& |||", "Please search with words"),
        ("'); DROP TABLE pages_article; --", "No articles matched"),
        ("<script>alert(1)</script>", "No articles matched"),
        ("nausea:* & !(", None),
        ("\x00\x01nausea", None),
        ('"unclosed quote', "No articles matched"),
        ("a" * 5000, "first 100 characters"),
        ("ñandú 漢字 🙂", "No articles matched"),
    ],
)
def test_hostile_or_odd_queries_give_a_helpful_page(client, library, query, message):
    response = client.get("/learn/search/", {"q": query})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in html
    if message:
        assert message in html


def test_snippet_separates_lines_of_the_article():
    assert highlight("Feeling dizzy\nBlurred \x02vision\x03") == (
        "Feeling dizzy · Blurred <mark>vision</mark>"
    )


def test_query_is_cleaned_and_capped():
    assert clean_query("  side\x00 effects \n ") == "side effects"
    assert len(clean_query("word " * 100)) <= MAX_QUERY_LENGTH


def test_search_condition_can_use_the_gin_index(library):
    """The match condition is answered from the GIN index, not by reading every article.

    (On a handful of rows PostgreSQL may still prefer another plan; what matters is that the
    condition on the stored vector is one the index can serve.)
    """
    matches = Article.objects.filter(search_vector=text_query("nausea"))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = matches.explain()
    assert "Bitmap Index Scan on article_search_idx" in plan, plan
    assert matches.count() == 4  # three published and one draft


def test_search_page_links_back_to_browsing_when_nothing_matches(client, library):
    html = client.get("/learn/search/", {"q": "zebra"}).content.decode()
    assert 'href="/learn/"' in html
