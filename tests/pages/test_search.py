"""Article search: ranking, highlighted snippets that stay safe, and any input handled kindly."""

import datetime
import json

import pytest
from django.db import connection
from django.utils import timezone

from pages.models import Article, Status
from pages.search import (
    MAX_QUERY_LENGTH,
    RESULTS_PER_PAGE,
    clean_query,
    search_articles,
    snippet,
    text_query,
)
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


def stored(text, spans):
    return json.dumps([text, spans])


def test_snippet_escapes_everything_but_its_marks():
    text = "a <b> word & 'c'"
    spans = [[0, 1, "a"], [6, 10, "word"], [14, 15, "c"]]
    assert snippet(["word"], stored(text, spans), None) == (
        "a &lt;b&gt; <mark>word</mark> &amp; &#x27;c&#x27;"
    )
    assert snippet(["zebra"], stored(text, spans), None) == "a &lt;b&gt; word &amp; &#x27;c&#x27;"
    assert snippet(["word"], None, None) == ""  # an article with no body text


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


def test_snippet_joins_a_short_sentence_to_the_next():
    heading = stored("Feeling dizzy", [[0, 7, "feel"], [8, 13, "dizzi"]])
    sentence = stored("Tell us.", [[0, 4, "tell"]])
    following = stored("Blurred vision", [[0, 7, "blur"], [8, 14, "vision"]])
    assert snippet(["vision"], heading, following) == "Feeling dizzy · Blurred <mark>vision</mark>"
    assert snippet(["tell"], sentence, following) == "<mark>Tell</mark> us. Blurred vision"


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


@pytest.fixture
def twelve_matches():
    for number in range(12):
        make_article(
            slug=f"match-{number:02d}",
            title=f"Match {number:02d}",
            summary="About sleep.",
            body="Sleep well. " + "Other words here. " * 200 + "Sleep again at the end.",
        )


def shown_matches(html):
    return [n for n in range(12) if f"/learn/match-{n:02d}/" in html]


def test_results_come_ten_a_page_with_a_link_to_the_rest(client, twelve_matches):
    first = client.get("/learn/search/", {"q": "sleep"}).content.decode()
    assert "12 articles found, page 1 of 2" in first
    assert shown_matches(first) == list(range(10))
    assert 'href="/learn/search/?q=sleep&amp;page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    second = client.get("/learn/search/", {"q": "sleep", "page": "2"}).content.decode()
    assert "12 articles found, page 2 of 2" in second
    assert shown_matches(second) == [10, 11]
    assert 'href="/learn/search/?q=sleep&amp;page=1" rel="prev"' in second
    assert 'rel="next"' not in second


@pytest.mark.parametrize(
    ("page", "shown"), [("abc", 1), ("0", 1), ("-1", 1), ("99", 2), ("9" * 40, 1)]
)
def test_an_odd_page_number_shows_a_real_page(client, twelve_matches, page, shown):
    response = client.get("/learn/search/", {"q": "sleep", "page": page})
    assert response.status_code == 200
    assert f"page {shown} of 2" in response.content.decode()


def test_one_page_of_results_has_no_page_links(client, library):
    html = client.get("/learn/search/", {"q": "nausea"}).content.decode()
    assert "3 articles found." in html and "page 1 of" not in html
    assert 'rel="next"' not in html


def test_snippet_is_the_first_sentence_holding_the_words(twelve_matches):
    found = search_articles("sleep")
    assert len(found.articles) == RESULTS_PER_PAGE
    for article in found.articles:
        assert article.snippet.startswith("<mark>Sleep</mark> well. Other words here.")
        assert "at the end" not in article.snippet


def test_snippet_shows_words_found_deep_in_an_article():
    make_article(
        slug="long",
        title="A long article",
        summary="Many things.",
        body="## Opening\n\n" + "Plain words here. " * 300 + "Bring a warm blanket. Rest after.",
    )
    (article,) = search_articles("blanket").articles
    assert article.snippet == "Bring a warm <mark>blanket</mark>. Rest after."


def test_snippet_words_are_matched_as_search_reads_them():
    make_article(slug="s", title="Rest", summary="Rest.", body="Intro. You may be feeling tired.")
    (article,) = search_articles("feel").articles  # feel, feeling: the same stem
    assert article.snippet == "You may be <mark>feeling</mark> tired."


def test_an_article_matched_by_its_title_shows_its_opening():
    make_article(
        slug="driving",
        title="Getting home",
        summary="Plans.",
        body="## Before you come\n\nSomeone must drive you. Take a long rest.",
    )
    (article,) = search_articles("getting home").articles
    # The heading and the sentence under it, told apart; no words to mark.
    assert article.snippet == "Before you come · Someone must drive you."


def test_a_long_sentence_is_shown_alone():
    long_sentence = "Nausea " + "and more words " * 12 + "can follow."
    make_article(slug="n", title="N", summary="S.", body=f"{long_sentence} Next sentence.")
    (article,) = search_articles("nausea").articles
    assert "Next sentence" not in article.snippet
    assert article.snippet.startswith("<mark>Nausea</mark> and more words")


def test_a_page_of_results_takes_one_query(client, twelve_matches, django_assert_num_queries):
    client.get("/")  # the clinic profile is loaded once per process, not per search
    with django_assert_num_queries(1):  # the page, its snippets and the total in one statement
        search_articles("sleep", page=2)


def test_prepared_search_binds_each_searchs_words_and_time(client):
    make_article(slug="sleep", title="Sleep", body="Sleep well.")
    assert "/learn/sleep/" in client.get("/learn/search/", {"q": "sleep"}).content.decode()
    # Published after the statement was prepared: found, so the time is the search's own.
    make_article(slug="just-now", title="Sleep now", body="Sleep.", publish_at=timezone.now())
    make_article(
        slug="later",
        title="Sleep later",
        body="Sleep tomorrow.",
        publish_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    make_article(slug="driving", title="Driving", body="Someone must drive you home.")
    html = client.get("/learn/search/", {"q": "sleep", "page": "1"}).content.decode()
    assert "/learn/sleep/" in html and "/learn/just-now/" in html
    assert "/learn/later/" not in html and "/learn/driving/" not in html
    html = client.get("/learn/search/", {"q": "drive"}).content.decode()
    assert "/learn/driving/" in html and "/learn/sleep/" not in html
