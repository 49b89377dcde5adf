"""The crisis phrase list: every phrase is caught in any case or spacing; ordinary words are not."""

import pytest

from bookings.crisis import CRISIS_PHRASES, mentions_crisis


@pytest.mark.parametrize("phrase", CRISIS_PHRASES)
def test_every_phrase_is_caught_inside_a_sentence(phrase):
    assert mentions_crisis(f"Lately I {phrase} most days.")


@pytest.mark.parametrize(
    "text",
    [
        "I have been SUICIDAL on and off",
        "sometimes I want\nto   die",
        "I don\u2019t want to live like this",  # a curly apostrophe, as phones type it
        "Suicide.",
    ],
)
def test_case_spacing_and_curly_apostrophes_do_not_hide_a_phrase(text):
    assert mentions_crisis(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "I have had depression for years and medication has not helped.",
        "Anxiety makes it hard to work. I would like to know about costs.",
        "My doctor suggested ketamine for chronic pain.",
        "I'm dying to know if insurance covers this.",  # 'dying to know' is not 'want to die'
        "Our harmony at home is better.",  # 'harm' inside another word
    ],
)
def test_ordinary_messages_are_not_flagged(text):
    assert not mentions_crisis(text)
