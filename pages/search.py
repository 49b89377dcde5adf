"""Full-text search of the published articles and their questions and answers (PostgreSQL)."""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.paginator import Page, Paginator
from django.db.models import F
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString

from .models import SEARCH_CONFIG, Article, PublishedVersion

MAX_QUERY_LENGTH = 100
RESULTS_PER_PAGE = 10
# PostgreSQL marks the words found with these (private-use characters, not HTML), so that the
# article's text can be escaped before the marks become <mark> (see `highlighted`).
START_SEL, STOP_SEL = "\ue000", "\ue001"
_MARKED = re.compile(f"{START_SEL}(.*?){STOP_SEL}", re.DOTALL)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")  # PostgreSQL refuses NUL in text


def clean_query(raw: str | None) -> str:
    """Return the query as words to search for: printable, trimmed and of a sane length."""
    text = _UNPRINTABLE.sub(" ", raw or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def has_words(query: str) -> bool:
    """Return whether the query holds anything to search for (not only symbols)."""
    return any(ch.isalnum() for ch in query)


def search(query: str):
    """Return the published articles matching the query, best first, each with a `headline`.

    Only the live version of each article is searched, never a draft. An article matches
    through its title, summary or body (ranked in that order), or through one of its questions
    and answers (ranked after every article that has the words itself). The headline is the
    body's passage with the words, or its opening if they are not in it.
    """
    words = SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    # Each of the versions' two vectors is matched through its own GIN index.
    versions = PublishedVersion.objects.order_by().values("pk")
    matches = versions.filter(search_vector=words).union(versions.filter(faq_search_vector=words))
    return (
        Article.objects.published()
        .filter(live__in=matches)
        .select_related("live")
        .annotate(
            rank=SearchRank(F("live__search_vector"), words),
            headline=SearchHeadline(
                "live__body_text",
                words,
                config=SEARCH_CONFIG,
                start_sel=START_SEL,
                stop_sel=STOP_SEL,
            ),
        )
        .only("slug", "live__title", "live__summary")
        .order_by("-rank", "live__title")
    )


def highlighted(headline: str) -> SafeString:
    """Return the headline escaped, with the words PostgreSQL marked in <mark>."""
    text, *marked = _MARKED.split(headline)  # text, word, text, word, ..., text
    return conditional_escape(text) + format_html_join(
        "", "<mark>{}</mark>{}", zip(marked[::2], marked[1::2], strict=True)
    )


def results_page(query: str, number) -> Page:
    """Return the page `number` of the matches (the first or last page if there is none such).

    Each article on it has a `snippet`: its headline, safe to show.
    """
    page = Paginator(search(query), RESULTS_PER_PAGE).get_page(number)
    for article in page:
        article.snippet = highlighted(article.headline)
    return page
