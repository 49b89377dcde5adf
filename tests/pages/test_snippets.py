"""The sentences stored with each article for search snippets (pages/snippets.py)."""

import importlib
import json
from html import escape

import pytest
from django.apps import apps
from django.db import connection

from pages.models import Article
from pages.rendering import render_markdown
from pages.search import snippet
from pages.snippets import sentence_index, split_sentences
from pages.starter import starter_articles
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_text_is_split_into_sentences_and_lines():
    text = "Intro line\nFirst one. Second one? Third! He said “stop.” Then (see above.) End"
    assert split_sentences(text) == [
        "Intro line",
        "First one.",
        "Second one?",
        "Third!",
        "He said “stop.”",
        "Then (see above.)",
        "End",
    ]
    assert split_sentences("") == []


def test_each_sentence_gets_where_its_search_words_are():
    sentences, words = sentence_index("The infusions are relaxing. And so?")
    assert sentences == [
        ["The infusions are relaxing.", [[4, 13, "infus"], [18, 26, "relax"]]],
        ["And so?", []],  # only stop words
    ]
    assert words == {"infus": 0, "relax": 0}


def test_words_map_to_the_first_sentence_holding_them():
    _, words = sentence_index("Rest first. Then sleep. Sleep and rest later.")
    assert words == {"rest": 0, "first": 0, "sleep": 1, "later": 2}


def test_hyphenated_words_are_found_whole_and_marked_by_part():
    sentences, words = sentence_index("Self-care at home, see https://example.org/help.")
    ((text, spans),) = sentences
    assert [text[start:end] for start, end, _ in spans] == ["Self", "care", "home", "see"]
    # The whole word and the address are in the search index, so they find the sentence.
    assert {"self-car", "self", "care", "example.org", "example.org/help."} <= set(words)


def test_saving_an_article_stores_its_sentences_and_words():
    article = make_article(body="## Side effects\n\nMost fade **quickly**.")
    article.refresh_from_db()
    assert article.search_sentences == [
        ["Side effects", [[0, 4, "side"], [5, 12, "effect"]]],
        ["Most fade quickly.", [[5, 9, "fade"], [10, 17, "quick"]]],
    ]
    assert article.search_words == {"side": 0, "effect": 0, "fade": 1, "quick": 1}
    article.body = "Changed text."
    article.save()
    article.refresh_from_db()
    assert article.search_sentences == [["Changed text.", [[0, 7, "chang"], [8, 12, "text"]]]]
    assert article.search_words == {"chang": 0, "text": 0}


def test_the_migration_fills_in_articles_saved_before_it():
    article = make_article(body="Sleep well. Rest.")
    Article.objects.filter(pk=article.pk).update(search_sentences=[], search_words={})
    migration = importlib.import_module("pages.migrations.0004_search_words")

    class SchemaEditor:
        pass

    editor = SchemaEditor()
    editor.connection = connection
    migration.index_sentences(apps, editor)
    article.refresh_from_db()
    assert [sentence for sentence, _ in article.search_sentences] == ["Sleep well.", "Rest."]
    assert article.search_words == {"sleep": 0, "well": 0, "rest": 1}


# Odd text the starter articles do not have: hyphens, an address, an e-mail, numbers, a tag
# written as text, accents, a contraction.
ODD_TEXT = (
    "Self-care at https://example.com/x, don't 1.5 mg/kg covid-19 <b>bold</b> e-mail "
    "me@x.org v2.0.1 café naïve.\nTwenty-four-hour care; well-being and follow-up visits."
)


@pytest.fixture
def every_sentence():
    """The sentences of every starter article, and the odd ones, as sentence_index stores them."""
    texts = [render_markdown(item.body).text for item in starter_articles()] + [ODD_TEXT]
    return [sentence for text in texts for sentence in sentence_index(text)[0]]


def test_words_are_the_ones_postgresql_indexes(every_sentence):
    """Each sentence's words are exactly what to_tsvector finds in it, so look-ups match."""
    texts = [text for text, _ in every_sentence]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(to_tsvector('english', t)) FROM unnest(%s::text[]) AS t",
            [texts],
        )
        expected = [set(words) for (words,) in cursor.fetchall()]
    for text, want in zip(texts, expected, strict=True):
        assert set(sentence_index(text)[1]) == want, text


def test_marks_match_postgresql_headlines(every_sentence):
    """Marking the stored words gives what ts_headline gives, for the sentence's own words and
    for words taken from other sentences."""
    texts = [text for text, _ in every_sentence]
    queries = texts + [" ".join(text.split()[::3]) for text in reversed(texts)]
    pairs = list(zip(every_sentence * 2, queries, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ts_headline('english', s, websearch_to_tsquery('english', q), "
            "'StartSel=\x02, StopSel=\x03, HighlightAll=true'), "
            "tsvector_to_array(to_tsvector('english', q)) "
            "FROM unnest(%s::text[], %s::text[]) AS pair(s, q)",
            [[text for (text, _), _ in pairs], [query for _, query in pairs]],
        )
        rows = cursor.fetchall()
    marked = 0
    for ((text, spans), query), (headline, words) in zip(pairs, rows, strict=True):
        expected = escape(headline).replace("\x02", "<mark>").replace("\x03", "</mark>")
        assert snippet(words, json.dumps([text, spans]), None) == expected, query
        marked += "<mark>" in expected
    assert marked > len(every_sentence)  # the comparison is about marks, not plain text
