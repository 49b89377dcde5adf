"""Full-text search of the published articles (PostgreSQL), with safe highlighted snippets."""

import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from html import escape  # Django's escape, without its lazy-string handling (text only here)

from django.contrib.postgres.search import SearchQuery
from django.db import connection
from django.utils import timezone
from django.utils.safestring import SafeString

from .models import Article, Status, article_url

MAX_QUERY_LENGTH = 100
RESULTS_PER_PAGE = 10
# A snippet is the sentence holding the visitor's words, and the next one if it is this short.
SHORT_SENTENCE_CHARS = 120
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


def text_query(query: str) -> SearchQuery:
    """Return the query as PostgreSQL reads a web search: any input is valid, none is an error."""
    return SearchQuery(query, search_type="websearch", config="english")


def matches(query: str):
    """Return the published articles matching the query (to count them)."""
    return Article.objects.published().filter(search_vector=text_query(query))


# One statement for a page of results. The inner query ranks the matches and counts them all
# (a window count, before LIMIT). For each of the page's articles the outer one looks up the
# first sentence holding one of the visitor's words in the article's stored search words
# (pages/snippets.py), or else takes the body's first sentence (the title or summary matched),
# and returns it and the sentence after it, with where their words are. The words are marked
# in Python (`snippet`): PostgreSQL's `ts_headline` would parse the text again on every search.
# Written out rather than built by the ORM, which cannot express the LATERAL join and whose
# version of the rest cost more CPU per search than PostgreSQL spent running it.
PAGE_SQL = f"""
SELECT title, slug, summary, total, words,
       search_sentences -> found.at AS first, search_sentences -> (found.at + 1) AS next
FROM (
    SELECT article.title, article.slug, article.summary, article.search_sentences,
           article.search_words, words,
           ts_rank(article.search_vector, query) AS rank, count(*) OVER () AS total
    FROM {Article._meta.db_table} AS article,
         websearch_to_tsquery('english', %(words)s) AS query,
         tsvector_to_array(to_tsvector('english', %(words)s)) AS words
    WHERE article.status = %(published)s AND article.publish_at <= %(now)s
      AND article.search_vector @@ query
    ORDER BY rank DESC, article.title
    LIMIT {RESULTS_PER_PAGE} OFFSET %(first)s
) AS page
CROSS JOIN LATERAL (
    SELECT coalesce(min((page.search_words ->> word)::int), 0) AS at FROM unnest(words) AS word
) AS found
ORDER BY rank DESC, title
"""


def snippet(wanted: Collection[str], first: str | None, following: str | None) -> SafeString:
    """Return the snippet for a result: its sentence (and the next), escaped, words marked.

    `wanted` holds the visitor's search words (a set, made once per page of results);
    `first` and `following` are stored sentences as JSON (pages/snippets.py). The next
    sentence is added when the first is short, after a space, or after a dot when the first is
    a heading or list item (no closing punctuation).
    """
    if first is None:  # an article with an empty body
        return SafeString("")
    text, spans = json.loads(first)
    if following is None or len(text) >= SHORT_SENTENCE_CHARS:
        return SafeString(_marked(text, spans, wanted))
    next_text, next_spans = json.loads(following)
    joiner = " " if text[-1] in ".!?:" else " · "
    return SafeString(
        _marked(text, spans, wanted) + joiner + _marked(next_text, next_spans, wanted)
    )


def _marked(text: str, spans: list[list], wanted: Collection[str]) -> str:
    """Return the text escaped, with each word whose search word is wanted in <mark>."""
    parts = []
    done = 0
    for start, end, word in spans:
        if word in wanted:
            parts.append(escape(text[done:start]))
            parts.append(f"<mark>{escape(text[start:end])}</mark>")
            done = end
    if not parts:
        return escape(text)
    parts.append(escape(text[done:]))
    return "".join(parts)


def page_of_results(query: str, first: int) -> tuple[list[Result], int]:
    """Return RESULTS_PER_PAGE matches from `first`, and how many matched in all (0: none here).

    Read with a plain cursor: building model instances for a page of results cost twice the
    CPU of the query itself.
    """
    params = {
        "words": query,
        "published": Status.PUBLISHED,
        "now": timezone.now(),
        "first": first,
    }
    with connection.cursor() as cursor:
        cursor.execute(PAGE_SQL, params)
        rows = cursor.fetchall()
    wanted = frozenset(rows[0][4]) if rows else frozenset()  # the same words on every row
    results = [
        Result(title, slug, summary, snippet(wanted, first_sentence, next_sentence))
        for title, slug, summary, _, _, first_sentence, next_sentence in rows
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
