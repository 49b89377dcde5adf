"""An article's sentences with their search words, stored on save for search-result snippets.

A search shows, under each result, the first sentence that holds one of the visitor's words
and the sentence after it, with those words marked. Finding that sentence from words stored
here costs PostgreSQL far less than parsing the body's text on every search (`ts_headline`
then marks the words in just those two sentences), and a match deep in an article shows
where it is instead of the article's opening lines.
"""

import re

from django.db import connection as default_connection

_SENTENCE_END = re.compile(r'(?<=[.!?])\s+|(?<=[.!?]["\u201d\u2019)])\s+')  # . ! ? (and a quote)


def split_sentences(text: str) -> list[str]:
    """Return the text's sentences: each line (heading, list item) split after . ! or ?."""
    return [
        part for line in text.splitlines() for part in _SENTENCE_END.split(line.strip()) if part
    ]


def sentence_index(text: str, connection=default_connection) -> list[list]:
    """Return [sentence, [search words]] for each sentence, in order.

    The words are as PostgreSQL's English search reads them: stemmed, without stop words.
    """
    sentences = split_sentences(text)
    if not sentences:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(to_tsvector('english', sentence)) "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS body(sentence, n) ORDER BY n",
            [sentences],
        )
        return [
            [sentence, words]
            for sentence, (words,) in zip(sentences, cursor.fetchall(), strict=True)
        ]
