"""Full-text search of the published articles (PostgreSQL), with safe highlighted snippets."""

import datetime
import functools
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F, Func, Subquery
from django.db.models.functions import Left
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Article

MAX_QUERY_LENGTH = 100
RESULTS_PER_PAGE = 10
# Snippets come from the start of the body: enough for two fragments, and ts_headline's cost
# grows with the text it parses (the whole body costs ~2x this on the starter articles).
SNIPPET_SOURCE_CHARS = 800
# Private markers for ts_headline: the body text never holds control characters (rendering
# strips them), so after escaping the snippet these are the only places a <mark> can appear.
_START, _STOP = "\x02", "\x03"
_PLACEHOLDER = "words-placeholder-6c1d"  # stands for the visitor's words in the prepared SQL
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class SearchPage:
    """One page of results: its articles, how many matched in all, and which page this is."""

    articles: list
    total: int
    number: int

    @property
    def has_next(self) -> bool:
        return self.number * RESULTS_PER_PAGE < self.total

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // RESULTS_PER_PAGE))


def clean_query(raw: str | None) -> str:
    """Return the query as words to search for: printable, trimmed and of a sane length."""
    text = _UNPRINTABLE.sub(" ", raw or "")
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def has_words(query: str) -> bool:
    """Return whether the query holds anything to search for (not only symbols)."""
    return any(ch.isalnum() for ch in query)


def highlight(snippet: str) -> SafeString:
    """Return the snippet escaped, with only our own markers turned into <mark> tags."""
    escaped = escape(" · ".join(line.strip() for line in snippet.splitlines() if line.strip()))
    return mark_safe(escaped.replace(_START, "<mark>").replace(_STOP, "</mark>"))


def text_query(query: str) -> SearchQuery:
    """Return the query as PostgreSQL reads a web search: any input is valid, none is an error."""
    return SearchQuery(query, search_type="websearch", config="english")


def matches(query: str):
    """Return the published articles matching the query, best first (no text fetched)."""
    search = text_query(query)
    return (
        Article.objects.published()
        .filter(search_vector=search)
        .annotate(rank=SearchRank(F("search_vector"), search))
        .order_by("-rank", "title")
    )


def page_of_results(query: str, first: int) -> list[Article]:
    """Return RESULTS_PER_PAGE matches from `first`, each with a `headline` and the `total`.

    One statement, prepared by the ORM once per process and page (compiling it cost more CPU
    than PostgreSQL spends running it); each search binds its own words and the current time.
    """
    sql, params, query_at, now_at = _page_sql(first)
    params, now = list(params), timezone.now()
    for index in query_at:
        params[index] = query
    for index in now_at:
        params[index] = now
    return list(Article.objects.raw(sql, params))


@functools.lru_cache(maxsize=32)
def _page_sql(first: int) -> tuple[str, tuple, list[int], list[int]]:
    """Return the page's SQL and parameters, with where the words and the time go."""
    sql, params = _page_queryset(_PLACEHOLDER, first).query.sql_with_params()
    query_at = [i for i, value in enumerate(params) if value == _PLACEHOLDER]
    now_at = [i for i, value in enumerate(params) if isinstance(value, datetime.datetime)]
    return sql, params, query_at, now_at


def _page_queryset(query: str, first: int):
    """Return the page's matches with their headlines and the total, as a queryset.

    The page is picked in a subquery, so ts_headline (which parses the text it is given,
    most of a search's database time) runs only for the page's articles, and only on the start
    of each body (SNIPPET_SOURCE_CHARS), as PostgreSQL's documentation advises.
    """
    search = text_query(query)
    page_ids = matches(query).values("pk")[first : first + RESULTS_PER_PAGE]
    total = matches(query).order_by().annotate(n=Func("pk", function="COUNT")).values("n")
    return (
        matches(query)
        .filter(pk__in=page_ids)
        .annotate(
            total=Subquery(total),
            headline=SearchHeadline(
                Left("body_text", SNIPPET_SOURCE_CHARS),
                search,
                config="english",
                start_sel=_START,
                stop_sel=_STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter=" … ",
            ),
        )
        .only("title", "slug", "summary", "topic")
    )


def search_articles(query: str, page: int = 1) -> SearchPage:
    """Return one page of the best matches, each article with a safe highlighted `snippet`."""
    if not has_words(query):
        return SearchPage([], 0, 1)
    page = max(page, 1)
    articles = page_of_results(query, (page - 1) * RESULTS_PER_PAGE)
    if not articles and page > 1:  # past the end: show the last page (a second query)
        total = matches(query).count()
        page = max(1, -(-total // RESULTS_PER_PAGE))
        articles = page_of_results(query, (page - 1) * RESULTS_PER_PAGE)
    for article in articles:
        article.snippet = highlight(article.headline)
    return SearchPage(articles, articles[0].total if articles else 0, page)


def page_number(raw: str | None) -> int:
    """Return the page asked for as a number (1 for anything that is not one)."""
    return int(raw) if raw and raw.isdigit() and len(raw) < 6 else 1
