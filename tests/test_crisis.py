"""The crisis detector: no crisis phrasing slips through; ordinary messages flag as measured."""

from pathlib import Path

import pytest

from clinic_site.crisis import CRISIS_PHRASES, load_phrases, matched_phrase, mentions_crisis

DATA = Path(__file__).resolve().parent / "data"


def corpus(name: str) -> list[str]:
    """Return the messages in a tests/data file: one a line, # comments skipped."""
    lines = (DATA / name).read_text("utf-8").splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


CRISIS_PHRASINGS = corpus("crisis_phrasings.txt")
ORDINARY_MESSAGES = corpus("ordinary_messages.txt")
# Measured: the ordinary messages that flag all name suicide, self-harm or an overdose in the
# writer's history (or a relative's). Each costs the team one early call; a miss could cost a
# life, so the list stays broad. Change this number only after reading the new matches.
ORDINARY_MESSAGES_THAT_FLAG = 12


def test_the_corpora_are_big_enough_to_mean_something():
    assert len(CRISIS_PHRASINGS) >= 100
    assert len(ORDINARY_MESSAGES) >= 100


@pytest.mark.parametrize("message", CRISIS_PHRASINGS)
def test_every_crisis_phrasing_is_flagged(message):
    assert mentions_crisis(message)


def test_ordinary_messages_flag_only_where_they_name_suicide_self_harm_or_overdose():
    flagged = {message: matched_phrase(message) for message in ORDINARY_MESSAGES}
    flagged = {message: phrase for message, phrase in flagged.items() if phrase}
    assert len(flagged) == ORDINARY_MESSAGES_THAT_FLAG, flagged
    allowed = {"suicide", "suicidal", "self harm", "hurting myself", "overdose"}
    assert set(flagged.values()) <= allowed, flagged


@pytest.mark.parametrize(
    "message",
    [
        "I do not want to live",
        "I dont want to live",
        "I cant go on",
        "I cannot go on",
        "I wish I was dead",
        "not worth living",
        "thinking of ending it",
        "kms",
        "unalive",
        "i want to die",
    ],
)
def test_the_phrasings_the_old_list_missed_are_flagged(message):
    assert mentions_crisis(message)


@pytest.mark.parametrize("phrase", CRISIS_PHRASES)
def test_every_listed_phrase_is_caught_inside_a_sentence(phrase):
    assert mentions_crisis(f"Lately I {phrase} most days.")


@pytest.mark.parametrize(
    "text",
    [
        "I have been SUICIDAL on and off",
        "sometimes I want\nto   die",
        "I don\u2019t want to live like this",  # a curly apostrophe, as phones type it
        "I don\u2018t want to live",  # the wrong curly apostrophe
        "I DON'T WANT TO LIVE",
        "I can not go on",
        "I\u2019m going to kill myself",
        "Suicide.",
        "self-harm",
        "i wanna die",
    ],
)
def test_case_spacing_apostrophes_and_contractions_do_not_hide_a_phrase(text):
    assert mentions_crisis(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "I'm dying to know if insurance covers this.",  # 'dying to know' is not 'want to die'
        "Our harmony at home is better.",  # 'harm' inside another word
        "I'm a nurse and I've cared for patients after overdoses.",  # whole words only
        "My chronic pain is killing me.",
        "I can't sleep and I don't want to lose my job.",
    ],
)
def test_words_near_a_phrase_are_not_flagged(text):
    assert not mentions_crisis(text)


def test_the_clinic_can_extend_the_list_with_comments_and_blank_lines(tmp_path):
    extra = tmp_path / "phrases.txt"
    extra.write_text("# our own words\n\nlost all hope   # added by the clinic\n", "utf-8")
    assert load_phrases(extra) == ("lost all hope",)
