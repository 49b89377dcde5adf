"""Full-text search of the published articles (PostgreSQL), with safe highlighted snippets."""

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import F
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Article

MAX_QUERY_LENGTH = 100
MAX_RESULTS = 20
# Private markers for ts_headline: the body text never holds control characters (rendering
# strips them), so after escaping the snippet these are the only places a <mark> can appear.
_START, _STOP = "\x02", "\x03"
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


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


def search_queryset(query: str):
    """Return the published articles matching the query, best first, with a `headline`."""
    search = text_query(query)
    return (
        Article.objects.published()
        .filter(search_vector=search)
        .annotate(
            rank=SearchRank(F("search_vector"), search),
            headline=SearchHeadline(
                "body_text",
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
        .order_by("-rank", "title")
    )


def search_articles(query: str) -> list[Article]:
    """Return the best matches for the query, each with a safe highlighted `snippet`."""
    if not has_words(query):
        return []
    articles = list(search_queryset(query)[:MAX_RESULTS])
    for article in articles:
        article.snippet = highlight(article.headline)
    return articles
