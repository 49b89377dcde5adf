"""Article search: ranking, highlighted snippets that stay safe, and any input handled kindly."""

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone

from pages.models import ArticleFAQ, Status
from pages.review import publish_unreviewed
from pages.search import highlighted, search
from tests.factories import make_article

pytestmark = pytest.mark.django_db

SEARCH = "/learn/search/"


def page_html(client, query, **params):
    response = client.get(SEARCH, {"q": query, **params})
    assert response.status_code == 200
    return response.content.decode()


def shown(html, slugs):
    """Return the slugs of the results on the page, in the order they are shown."""
    found = [
        (html.index(f'href="/learn/{slug}/"'), slug)
        for slug in slugs
        if f'href="/learn/{slug}/"' in html
    ]
    return [slug for _, slug in sorted(found)]


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
        slug="in-faq",
        title="Before your first visit",
        summary="What to bring.",
        body="Bring a list of your medicines.",
        faqs=[("Will I feel sick?", "Some people have nausea for an hour.")],
    )


def test_title_matches_come_first_then_summary_body_and_questions(client, library):
    html = page_html(client, "nausea")
    assert shown(html, ["in-title", "in-summary", "in-body", "in-faq"]) == [
        "in-title",
        "in-summary",
        "in-body",
        "in-faq",
    ]
    assert "4 articles found." in html


def test_an_article_whose_only_mention_is_in_a_question_answer_is_found(client):
    make_article(
        slug="cost",
        title="What treatment costs",
        summary="Prices and payment.",
        body="Each session has a price. We explain it before you start.",
        faqs=[("Can I pay later?", "Ask us about insurance and payment plans.")],
    )
    make_article(slug="sleep", title="Sleep", summary="Rest.", body="Sleep well.")
    html = page_html(client, "insurance")
    assert shown(html, ["cost", "sleep"]) == ["cost"]


def test_questions_are_found_once_they_are_published(client):
    """A question added to the draft is searchable only when its version goes live."""
    article = make_article(slug="cost", title="Costs", summary="Money.", body="Prices.")
    ArticleFAQ.objects.bulk_create([ArticleFAQ(article=article, question="HSA?", answer="Yes.")])
    assert shown(page_html(client, "hsa"), ["cost"]) == []
    publish_unreviewed(article)
    assert shown(page_html(client, "hsa"), ["cost"]) == ["cost"]


def test_search_finds_the_live_text_not_the_draft(client):
    article = make_article(slug="live", title="Aftercare", body="Rest after your visit.")
    article.body = "Brand new zebra words."
    article.save()
    assert shown(page_html(client, "zebra"), ["live"]) == []
    assert shown(page_html(client, "rest"), ["live"]) == ["live"]


def test_the_words_found_are_marked_as_search_reads_them(client):
    make_article(
        slug="rest", title="Rest", summary="Rest.", body="Intro. You may be feeling tired."
    )
    make_article(slug="home", title="Home", summary="Home.", body="Someone must drive you home.")
    assert "<mark>feeling</mark>" in page_html(client, "feel")  # feel, feeling: one stem
    assert "<mark>drive</mark>" in page_html(client, "drive")


def test_article_text_is_escaped_and_only_our_marks_are_markup(client):
    make_article(
        slug="tricky",
        title="Nausea <b>notes</b>",
        # The plain text of this Markdown holds <img src=x ...> and <mark>fake</mark>.
        body="Nausea a &lt;img src=x onerror=alert(1)&gt; b & c &lt;mark&gt;fake&lt;/mark&gt;",
    )
    html = page_html(client, "nausea")
    assert "<img src=x" not in html and "<mark>fake" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; b &amp; c" in html
    assert "Nausea &lt;b&gt;notes&lt;/b&gt;" in html
    assert "<mark>Nausea</mark> a &lt;img" in html


def test_a_headline_keeps_only_whole_marks_and_escapes_the_rest():
    assert highlighted("a <b> \ue000word\ue001 & 'c'") == (
        "a &lt;b&gt; <mark>word</mark> &amp; &#x27;c&#x27;"
    )
    # The marker characters written in an article are text, never half a <mark>.
    assert highlighted("stray \ue001 <i>") == "stray \ue001 &lt;i&gt;"
    assert highlighted("") == ""


def test_the_words_searched_for_are_shown_only_escaped(client, library):
    html = page_html(client, '<script>alert(1)</script> "nausea')
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Type a word or two"),
        ("   ", "Type a word or two"),
        ("!!! ??? &&& |||", "Please search with words"),
        ("'); DROP TABLE pages_article; --", "No articles matched"),
        ("nausea:* & !(", "articles found"),
        ("\x00\x01nausea", "articles found"),
        ('"unclosed quote', "No articles matched"),
        ("a" * 5000, "we used the first 100 characters of your search"),
        ("ñandú 漢字 🙂", "No articles matched"),
    ],
)
def test_odd_queries_give_a_helpful_page(client, library, query, message):
    assert message in page_html(client, query)


def test_no_match_offers_browsing_and_a_consultation(client, library):
    html = page_html(client, "zebra")
    assert "No articles matched “zebra”" in html
    assert 'href="/learn/"' in html and 'href="/consultation/"' in html


def test_a_very_long_query_searches_its_first_100_characters(client):
    make_article(slug="rest", title="Rest", summary="Rest.", body="Rest after.")
    html = page_html(client, "rest " * 40 + "zebra")  # the words past 100 characters are dropped
    assert shown(html, ["rest"]) == ["rest"]
    assert "we used the first 100 characters of your search" in html


def test_words_with_accents_are_found_and_marked(client):
    make_article(slug="deja", title="Odd feelings", summary="Normal.", body="Some feel déjà vu.")
    html = page_html(client, "déjà")
    assert shown(html, ["deja"]) == ["deja"]
    assert "<mark>déjà</mark>" in html


def test_unpublished_and_future_articles_never_appear(client):
    make_article(slug="live", title="Nausea", body="Nausea.")
    make_article(slug="draft", title="Nausea draft", body="Nausea.", status=Status.DRAFT)
    make_article(
        slug="draft-faq",
        title="Draft",
        body="Other.",
        status=Status.DRAFT,
        faqs=[("Sick?", "Nausea may happen.")],
    )
    make_article(
        slug="later",
        title="Nausea later",
        body="Nausea.",
        publish_at=timezone.now() + datetime.timedelta(minutes=5),
    )
    html = page_html(client, "nausea")
    assert shown(html, ["live", "draft", "draft-faq", "later"]) == ["live"]
    assert "1 article found." in html


@pytest.fixture
def twelve_matches():
    for number in range(12):
        make_article(
            slug=f"match-{number:02d}",
            title=f"Match {number:02d}",
            summary="About sleep.",
            body="Sleep well. Rest.",
        )


def shown_matches(html):
    return [n for n in range(12) if f"/learn/match-{n:02d}/" in html]


def test_results_come_ten_a_page_with_links_to_the_others(client, twelve_matches):
    first = page_html(client, "sleep")
    assert "12 articles found, page 1 of 2" in first
    assert shown_matches(first) == list(range(10))
    assert 'href="/learn/search/?q=sleep&amp;page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    second = page_html(client, "sleep", page="2")
    assert "12 articles found, page 2 of 2" in second
    assert shown_matches(second) == [10, 11]
    assert 'href="/learn/search/?q=sleep&amp;page=1" rel="prev"' in second
    assert 'rel="next"' not in second


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("abc", 1),
        ("²", 1),
        ("¹", 1),
        ("①", 1),
        ("1.5", 1),
        ("9" * 5000, 1),
        ("0", 2),
        ("-1", 2),
        ("99999", 2),
    ],
)
def test_an_odd_page_number_shows_the_first_or_last_page(client, twelve_matches, value, number):
    assert f"page {number} of 2" in page_html(client, "sleep", page=value)


def test_one_page_of_results_has_no_page_links(client, library):
    html = page_html(client, "nausea")
    assert "page 1 of" not in html and 'rel="next"' not in html


def test_the_words_searched_for_stay_out_of_the_title_and_breadcrumbs(client, library):
    html = page_html(client, "depression nausea")
    title = re.search(r"<title>(.*?)</title>", html, re.DOTALL).group(1)
    breadcrumbs = re.search(r'<nav class="breadcrumbs".*?</nav>', html, re.DOTALL).group(0)
    assert title.startswith("Search results |")
    assert "depression" not in title + breadcrumbs and "nausea" not in title + breadcrumbs


def test_search_pages_are_kept_in_no_cache(client, library):
    cache_control = client.get(SEARCH, {"q": "nausea"})["Cache-Control"]
    assert "no-store" in cache_control and "private" in cache_control


def test_search_reads_the_search_indexes_not_every_article(library):
    """With many articles, the match is found through the GIN indexes of articles and FAQs."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = search("nausea").explain()
    assert "version_search_idx" in plan and "version_faq_search_idx" in plan, plan
