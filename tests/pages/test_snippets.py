"""The sentences stored with each article for search snippets (pages/snippets.py)."""

import importlib

import pytest
from django.apps import apps
from django.db import connection

from pages.models import Article
from pages.snippets import sentence_index, split_sentences
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


def test_each_sentence_gets_its_search_words_as_postgresql_reads_them():
    assert sentence_index("The infusions are relaxing. And so?") == [
        ["The infusions are relaxing.", ["infus", "relax"]],
        ["And so?", []],  # only stop words
    ]


def test_saving_an_article_stores_its_sentences():
    article = make_article(body="## Side effects\n\nMost fade **quickly**.")
    article.refresh_from_db()
    assert article.search_sentences == [
        ["Side effects", ["effect", "side"]],
        ["Most fade quickly.", ["fade", "quick"]],
    ]
    article.body = "Changed text."
    article.save()
    article.refresh_from_db()
    assert article.search_sentences == [["Changed text.", ["chang", "text"]]]


def test_the_migration_fills_in_articles_saved_before_it():
    article = make_article(body="Sleep well. Rest.")
    Article.objects.filter(pk=article.pk).update(search_sentences=[])
    migration = importlib.import_module("pages.migrations.0003_search_sentences")

    class SchemaEditor:
        pass

    editor = SchemaEditor()
    editor.connection = connection
    migration.index_sentences(apps, editor)
    article.refresh_from_db()
    assert [sentence for sentence, _ in article.search_sentences] == ["Sleep well.", "Rest."]
