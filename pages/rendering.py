"""Turn an article's Markdown into safe HTML, a table of contents and plain text.

Staff write Markdown; what is stored and shown is the output of `render_markdown`, sanitised
with nh3, so no script, event handler, style or off-site image ever reaches a page. Markdown is
parsed by markdown-it-py (CommonMark), whose time grows in step with the text: a hostile body
cannot hold a worker the way Python-Markdown's backtracking could.
"""

import html
import re
import unicodedata
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

# About 15,000 words, three times the longest starter article: enough for any page a reader
# finishes, and a ceiling on the work one preview or save can ask for.
MAX_SOURCE_LENGTH = 100_000
ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "em", "h2", "h3", "h4", "hr", "img", "li", "ol",
    "p", "pre", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "img": {"src", "alt", "title"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BLOCK_END = re.compile(r"</(?:h[1-6]|p|li|td|th|blockquote|pre)>|<br\s*/?>", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# Ids the page around an article uses: a heading must never take one of them.
RESERVED_IDS = {
    "main", "contents", "questions", "related", "disclaimer", "next-step", "article-title",
    "toc-heading", "faq-heading", "cta-heading", "related-heading", "search-q",
}  # fmt: skip

# How a browser reads a URL (WHATWG URL Standard, "basic URL parser").
_C0_CONTROL_OR_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_SPECIAL_SCHEMES = {"ftp", "file", "http", "https", "ws", "wss"}

_NUMBERED_ID = re.compile(r"(.*)_([0-9]+)")
_NOT_SLUG = re.compile(r"[^\w\s-]")
_SLUG_GAPS = re.compile(r"[-\s]+")


class SourceTooLong(ValueError):
    """The Markdown is longer than one article may be."""


@dataclass
class RenderedBody:
    html: str
    toc: list[dict] = field(default_factory=list)
    text: str = ""
    sentences_text: str = ""


def browser_url(value: str) -> str:
    """Return the URL as a browser reads it before following it.

    Browsers drop leading and trailing control characters and spaces, drop every tab and
    newline, and read a backslash as a slash in web and relative URLs: "/&#9;/evil.example/"
    and "/\\evil.example/" both load from evil.example.
    """
    url = _TAB_OR_NEWLINE.sub("", value.strip(_C0_CONTROL_OR_SPACE))
    scheme = _SCHEME.match(url)
    if scheme is None or scheme[1].lower() in _SPECIAL_SCHEMES:
        url = url.replace("\\", "/")
    return url


def is_local_path(url: str) -> bool:
    """Return whether a browser-read URL is a path on this site (not "//host/…")."""
    return url.startswith("/") and not url.startswith("//")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep URLs as browsers read them, and images on this site only.

    A health site makes no requests to anyone else, so an image must be a local path.
    """
    if attribute not in ("href", "src"):
        return value
    url = browser_url(value)
    if attribute == "src":
        return url if is_local_path(url) else None
    scheme = _SCHEME.match(url)
    return url if scheme is None or scheme[1].lower() in URL_SCHEMES else None


def sanitise(fragment: str) -> str:
    """Return the HTML with everything but plain formatting, links and local images removed."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def plain_text(fragment: str) -> str:
    """Return the visible text of an HTML fragment, one line per block."""
    text = _BLOCK_END.sub("\n", fragment)
    text = html.unescape(nh3.clean(text, tags=set()))
    text = _CONTROL_CHARS.sub("", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines() if line.strip())


def sentences(text: str) -> str:
    """Return the text with a full stop after each block that lacks one (headings, list items).

    Readability formulas count sentences by their punctuation; without this a heading would be
    read as the start of the sentence below it.
    """
    lines = (line if line[-1] in ".!?:" else line + "." for line in text.splitlines() if line)
    return " ".join(lines)


def source_length(source: str) -> int:
    """Return the length MAX_SOURCE_LENGTH limits: what was typed, each line break once."""
    return len(_CONTROL_CHARS.sub("", source))


def _slugify(value: str) -> str:
    """Return a heading's anchor: its words, so links to it survive edits elsewhere.

    The words are turned into an anchor exactly as Python-Markdown's toc extension did, so the
    anchors of articles written before the switch to markdown-it-py stay the same.
    """
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    slug = _SLUG_GAPS.sub("-", _NOT_SLUG.sub("", value).strip().lower()) or "section"
    return f"{slug}-section" if slug in RESERVED_IDS else slug


def _unique(slug: str, taken: set[str], counters: dict[str, int]) -> str:
    """Return the slug, or the first free "slug_N" if a heading above already took it.

    `counters` remembers, per slug, how many suffixes are known to be taken, so a page of
    thousands of identical headings costs one step each, not one per heading above it.
    """
    if slug in taken:
        numbered = _NUMBERED_ID.fullmatch(slug)
        base, count = (numbered[1], int(numbered[2])) if numbered else (slug, 0)
        known = counters.get(base, 0)
        skip = count <= known or slug == f"{base}_{known + 1}"
        count = max(count, known) + 1 if skip else count + 1
        while f"{base}_{count}" in taken:
            count += 1
        slug = f"{base}_{count}"
        if skip:
            counters[base] = count
    taken.add(slug)
    return slug


def _heading_text(state: StateCore, inline_index: int) -> str:
    """Return a heading's words as a reader sees them: tags gone, spaces collapsed."""
    inline = state.tokens[inline_index]
    inner = state.md.renderer.renderInline(inline.children or [], state.md.options, state.env)
    return " ".join(html.unescape(nh3.clean(inner, tags=set())).split())


def _anchor_headings(state: StateCore) -> None:
    """Give every heading an id and list the h2 and h3 headings for the table of contents."""
    taken, counters = set(), {}
    toc = state.env.setdefault("toc", [])
    for index, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        text = _heading_text(state, index + 1)
        token.attrSet("id", _unique(_slugify(text), taken, counters))
        level = int(token.tag[1])
        if level in (2, 3):
            toc.append({"id": token.attrs["id"], "text": text, "level": level})


_MARKDOWN = MarkdownIt("commonmark").enable("table")
# Let every address through to nh3, which decides alone what stays: a refused link keeps its
# words (as it did with Python-Markdown) instead of showing its Markdown to readers.
_MARKDOWN.validateLink = lambda url: True
_MARKDOWN.core.ruler.push("anchor_headings", _anchor_headings)


def render_markdown(source: str) -> RenderedBody:
    """Render staff-written Markdown to sanitised HTML with stable heading anchors.

    Raise SourceTooLong for a body over MAX_SOURCE_LENGTH characters.
    """
    source = _CONTROL_CHARS.sub("", source or "")
    if len(source) > MAX_SOURCE_LENGTH:
        raise SourceTooLong(
            f"The text is {len(source):,} characters long; an article may have at most "
            f"{MAX_SOURCE_LENGTH:,}."
        )
    env = {}
    safe = sanitise(_MARKDOWN.render(source, env)).rstrip("\n")
    text = plain_text(safe)
    return RenderedBody(html=safe, toc=env["toc"], text=text, sentences_text=sentences(text))
