"""Full-text search of the published articles (PostgreSQL), with safe highlighted snippets."""

import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Article, Status, article_url

MAX_QUERY_LENGTH = 100
RESULTS_PER_PAGE = 10
# A snippet is the sentence holding the visitor's words, and the next one if it is this short.
SHORT_SENTENCE_CHARS = 120
# Private markers for ts_headline: the body text never holds control characters (rendering
# strips them), so after escaping the snippet these are the only places a <mark> can appear.
_START, _STOP = "\x02", "\x03"
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Result:
    """One search result: what the results page shows of an article."""

    title: str
    slug: str
    summary: str
    snippet: SafeString  # escaped, with the visitor's words marked

    def get_absolute_url(self) -> str:
        return article_url(self.slug)


@dataclass
class SearchPage:
    """One page of results: its articles, how many matched in all, and which page this is."""

    articles: list[Result]
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
    """Return the published articles matching the query (to count them)."""
    return Article.objects.published().filter(search_vector=text_query(query))


# One statement for a page of results. The inner query ranks the matches and counts them all
# (a window count, before LIMIT). For each of the page's articles the outer one finds the first
# stored sentence that holds one of the visitor's words (pages/snippets.py), or else the
# body's first sentence (the title or summary matched), and ts_headline marks the words in
# it, and in the sentence after it when the first is short. Giving ts_headline, which parses
# the text it is given, a sentence or two instead of the body keeps a search cheap, and the
# snippet shows whole sentences from wherever the words are.
# Written out rather than built by the ORM, which cannot express the LATERAL join and whose
# version of the rest cost more CPU per search than PostgreSQL spent running it.
PAGE_SQL = f"""
SELECT title, slug, summary, total,
       ts_headline('english', coalesce(excerpt, ''), query, %(options)s) AS headline
FROM (
    SELECT article.title, article.slug, article.summary, article.search_sentences, query, words,
           ts_rank(article.search_vector, query) AS rank, count(*) OVER () AS total
    FROM {Article._meta.db_table} AS article,
         websearch_to_tsquery('english', %(words)s) AS query,
         tsvector_to_array(to_tsvector('english', %(words)s)) AS words
    WHERE article.status = %(published)s AND article.publish_at <= %(now)s
      AND article.search_vector @@ query
    ORDER BY rank DESC, article.title
    LIMIT {RESULTS_PER_PAGE} OFFSET %(first)s
) AS page
LEFT JOIN LATERAL (
    SELECT (n - 1)::int AS at  -- jsonb arrays count from 0
    FROM jsonb_array_elements(page.search_sentences) WITH ORDINALITY AS sentence(item, n)
    WHERE (item -> 1) ?| page.words
    ORDER BY n LIMIT 1
) AS found ON true
CROSS JOIN LATERAL (
    SELECT search_sentences -> coalesce(found.at, 0) ->> 0 AS first,
           search_sentences -> (coalesce(found.at, 0) + 1) ->> 0 AS next
) AS sentences
CROSS JOIN LATERAL (
    SELECT CASE WHEN length(first) >= {SHORT_SENTENCE_CHARS} THEN first
                WHEN first ~ '[.!?:]$' THEN concat_ws(' ', first, next)
                ELSE concat_ws(' · ', first, next) END AS excerpt  -- after a heading
) AS snippet
ORDER BY rank DESC, title
"""
HEADLINE_OPTIONS = f'StartSel="{_START}", StopSel="{_STOP}", HighlightAll=true'


def page_of_results(query: str, first: int) -> tuple[list[Result], int]:
    """Return RESULTS_PER_PAGE matches from `first`, and how many matched in all (0: none here).

    Read with a plain cursor: building model instances for a page of results cost twice the
    CPU of the query itself.
    """
    params = {
        "words": query,
        "options": HEADLINE_OPTIONS,
        "published": Status.PUBLISHED,
        "now": timezone.now(),
        "first": first,
    }
    with connection.cursor() as cursor:
        cursor.execute(PAGE_SQL, params)
        rows = cursor.fetchall()
    results = [
        Result(title, slug, summary, highlight(headline))
        for title, slug, summary, _, headline in rows
    ]
    return results, (rows[0][3] if rows else 0)


def search_articles(query: str, page: int = 1) -> SearchPage:
    """Return one page of the best matches, each with a safe highlighted `snippet`."""
    if not has_words(query):
        return SearchPage([], 0, 1)
    page = max(page, 1)
    results, total = page_of_results(query, (page - 1) * RESULTS_PER_PAGE)
    if not results and page > 1:  # past the end: show the last page (a second query)
        page = max(1, -(-matches(query).count() // RESULTS_PER_PAGE))
        results, total = page_of_results(query, (page - 1) * RESULTS_PER_PAGE)
    return SearchPage(results, total, page)


def page_number(raw: str | None) -> int:
    """Return the page asked for as a number (1 for anything that is not one)."""
    return int(raw) if raw and raw.isdigit() and len(raw) < 6 else 1
