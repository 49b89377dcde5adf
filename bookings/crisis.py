"""Words in a message that may mean the writer is in crisis.

The list is deliberately broad: a false alarm costs a front-desk call made a little sooner, a
miss could cost far more. Add phrases in lower case, with straight apostrophes; matching ignores
case, curly apostrophes, repeated spaces and line breaks, and only matches whole words.
Every phrase is covered by tests/bookings/test_crisis.py.
"""

import re

CRISIS_PHRASES = (
    "suicide",
    "suicidal",
    "kill myself",
    "killing myself",
    "end my life",
    "ending my life",
    "take my own life",
    "take my life",
    "want to die",
    "wanna die",
    "better off dead",
    "better off without me",
    "no reason to live",
    "don't want to live",
    "don't want to be alive",
    "do not want to be alive",
    "not want to be here anymore",
    "can't go on",
    "end it all",
    "hurt myself",
    "harm myself",
    "self harm",
    "self-harm",
    "cutting myself",
    "overdose",
)

_PATTERN = re.compile(
    r"\b(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in CRISIS_PHRASES) + r")\b"
)


def normalise(text: str) -> str:
    """Return text in lower case with curly apostrophes straightened."""
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


def mentions_crisis(text: str) -> bool:
    """Return True when the text contains any crisis phrase."""
    return bool(_PATTERN.search(normalise(text)))
