"""An article's sentences and search words, stored on save for search-result snippets.

A search shows, under each result, the first sentence that holds one of the visitor's words
and the sentence after it, with those words marked. Everything a search needs for that is
worked out here when the article is saved, with PostgreSQL's own English parser and stemmer:

- `search_words` maps each search word (stemmed, as the search index holds it) to the first
  sentence that contains it, so finding the snippet is a look-up per word of the query;
- `search_sentences` holds each sentence with where its words are and their search word, so
  the words are marked in Python (pages/search.py) without PostgreSQL parsing the text again.

Marking the words this way gives the same marks as PostgreSQL's `ts_headline`
(tests/pages/test_snippets.py compares them over the starter articles), for a fraction of
the database time each search costs.
"""

import re

from django.db import connection as default_connection

_SENTENCE_END = re.compile(r'(?<=[.!?])\s+|(?<=[.!?]["\u201d\u2019)])\s+')  # . ! ? (and a quote)

# Tokens PostgreSQL's parser reports twice: a hyphenated word ("self-care") or a web address
# is followed by its parts. `ts_headline` marks a hyphenated word's parts one by one, and
# nothing of an address. Their search words still count for finding a sentence (the search
# index holds them). Token type ids of the default parser: `SELECT * FROM ts_token_type('default')`.
_URL = 5
_HYPHENATED = {15, 16, 17}  # numhword, asciihword, hword

# Each token of each sentence, in order, with its search words as `to_tsvector` finds them:
# the first dictionary the configuration maps the token's type to that knows the token
# (the same look-up as PostgreSQL's own `ts_debug`, which does not keep the tokens' order).
_TOKENS_SQL = """
SELECT s.n, p.tokid, p.token,
       (SELECT ts_lexize(m.mapdict, p.token)
        FROM pg_ts_config_map AS m
        WHERE m.mapcfg = 'english'::regconfig AND m.maptokentype = p.tokid
        ORDER BY ts_lexize(m.mapdict, p.token) IS NULL, m.mapseqno
        LIMIT 1) AS lexemes
FROM unnest(%s::text[]) WITH ORDINALITY AS s(sentence, n),
     ts_parse((SELECT cfgparser FROM pg_ts_config WHERE oid = 'english'::regconfig),
              s.sentence) WITH ORDINALITY AS p(tokid, token, k)
ORDER BY s.n, p.k
"""


def split_sentences(text: str) -> list[str]:
    """Return the text's sentences: each line (heading, list item) split after . ! or ?."""
    return [
        part for line in text.splitlines() for part in _SENTENCE_END.split(line.strip()) if part
    ]


def sentence_index(text: str, connection=default_connection) -> tuple[list[list], dict]:
    """Return the text's sentences and search words, as stored on the article.

    - sentences: `[sentence, [[start, end, search word], ...]]` for each sentence in order,
      one entry per word that has a search word (not stop words, spaces or punctuation);
    - words: `{search word: index of the first sentence holding it}`.
    """
    sentences = split_sentences(text)
    if not sentences:
        return [], {}
    with connection.cursor() as cursor:
        cursor.execute(_TOKENS_SQL, [sentences])
        tokens = cursor.fetchall()
    spans: list[list] = [[] for _ in sentences]
    words: dict[str, int] = {}
    ends = [0] * len(sentences)  # where each sentence's next token is looked for
    unmarked_until = [0] * len(sentences)  # the end of a web address in the sentence
    for n, token_type, token, lexemes in tokens:
        at = n - 1
        for lexeme in lexemes or ():
            words.setdefault(lexeme, at)
        if token_type in _HYPHENATED:
            continue
        start = sentences[at].find(token, ends[at])
        if start < 0:  # not expected: the parser's tokens are pieces of the sentence
            continue
        if token_type == _URL:
            unmarked_until[at] = start + len(token)
            continue
        ends[at] = start + len(token)
        if lexemes and ends[at] > unmarked_until[at]:
            spans[at].append([start, ends[at], lexemes[0]])  # English dictionaries give one
    return [[sentence, spans[at]] for at, sentence in enumerate(sentences)], words
