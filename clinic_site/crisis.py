"""Words in a message that may mean the writer is in crisis.

Used wherever a patient types: the consultation form's message and the article search. The
phrases live in clinic_site/crisis_phrases.txt, one a line, so the clinic can add its own. The
list is deliberately broad: a false alarm costs a front-desk call made a little sooner, a miss
could cost a life. Messages and phrases are both put through `normalise` before matching, so
case, spacing, punctuation, curly, straight or missing apostrophes and common contractions
("don't", "dont", "do not") do not hide a phrase. A phrase only matches whole words.
The corpora in tests/data/ measure what the list catches and what it flags by mistake.
"""

import re
import unicodedata
from pathlib import Path

PHRASES_FILE = Path(__file__).resolve().parent / "crisis_phrases.txt"

_APOSTROPHES = re.compile(r"['\u2018\u2019\u201b\u02bc\u02b9\u0060\u00b4\u2032]")
_NOT_A_WORD = re.compile(r"[^a-z0-9]+")
# Words as people type them once apostrophes are gone, and the words they stand for.
_EXPANSIONS = {
    "dont": "do not",
    "doesnt": "does not",
    "didnt": "did not",
    "cant": "cannot",
    "wont": "will not",
    "isnt": "is not",
    "wasnt": "was not",
    "arent": "are not",
    "werent": "were not",
    "havent": "have not",
    "hasnt": "has not",
    "hadnt": "had not",
    "couldnt": "could not",
    "wouldnt": "would not",
    "shouldnt": "should not",
    "aint": "am not",
    "im": "i am",
    "ive": "i have",
    "youre": "you are",
    "theyre": "they are",
    "thats": "that is",
    "theres": "there is",
    "whats": "what is",
    "lifes": "life is",
    "its": "it is",
    "wanna": "want to",
    "gonna": "going to",
    "gotta": "got to",
}
_TWO_WORDS = {"can not": "cannot"}


def normalise(text: str) -> str:
    """Return the text as lower-case words separated by single spaces, contractions expanded."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = _NOT_A_WORD.sub(" ", _APOSTROPHES.sub("", text))
    text = " ".join(_EXPANSIONS.get(word, word) for word in text.split())
    for words, joined in _TWO_WORDS.items():
        text = re.sub(rf"\b{words}\b", joined, text)
    return text


def load_phrases(path: Path = PHRASES_FILE) -> tuple[str, ...]:
    """Return the phrases in the file, skipping blank lines and # comments."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text("utf-8").splitlines())
    return tuple(line for line in lines if line)


def _pattern(phrases: tuple[str, ...]) -> re.Pattern:
    words = sorted({normalise(phrase) for phrase in phrases}, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words if w) + r")\b")


CRISIS_PHRASES = load_phrases()
_PATTERN = _pattern(CRISIS_PHRASES)


def matched_phrase(text: str) -> str | None:
    """Return the first crisis phrase found in the text, normalised, or None."""
    found = _PATTERN.search(normalise(text))
    return found.group(0) if found else None


def mentions_crisis(text: str) -> bool:
    """Return True when the text contains any crisis phrase."""
    return matched_phrase(text) is not None
