"""Turn an article's Markdown into safe HTML, a table of contents and plain text.

Staff write Markdown; what is stored and shown is the output of `render_markdown`, sanitised
with nh3, so no script, event handler, style or off-site image ever reaches a page.
"""

import html
import re
from dataclasses import dataclass, field

import markdown
import nh3
from markdown.extensions.toc import slugify as markdown_slugify

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


@dataclass
class RenderedBody:
    html: str
    toc: list[dict] = field(default_factory=list)
    text: str = ""
    sentences_text: str = ""


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep images on this site only: a health site makes no requests to anyone else."""
    if tag == "img" and attribute == "src":
        # "//host" and "/\\host" both leave the site; only a plain local path may stay.
        local = value.startswith("/") and value[1:2] not in ("/", "\\")
        return value if local else None
    return value


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


def _flatten_toc(tokens: list[dict]) -> list[dict]:
    """Return the h2 and h3 headings in page order as {id, text, level} dicts."""
    entries = []
    for token in tokens:
        if token["level"] in (2, 3):
            entries.append(
                {"id": token["id"], "text": html.unescape(token["name"]), "level": token["level"]}
            )
        entries.extend(_flatten_toc(token.get("children", [])))
    return entries


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


def _slugify(value: str, separator: str) -> str:
    """Return a heading's anchor: its words, so links to it survive edits elsewhere."""
    slug = markdown_slugify(value, separator) or "section"
    return f"{slug}-section" if slug in RESERVED_IDS else slug


def render_markdown(source: str) -> RenderedBody:
    """Render staff-written Markdown to sanitised HTML with stable heading anchors."""
    md = markdown.Markdown(
        extensions=["toc", "tables", "sane_lists"],
        extension_configs={"toc": {"toc_depth": "2-4", "slugify": _slugify}},
    )
    unsafe = md.convert(_CONTROL_CHARS.sub("", source or ""))
    safe = sanitise(unsafe)
    text = plain_text(safe)
    return RenderedBody(
        html=safe, toc=_flatten_toc(md.toc_tokens), text=text, sentences_text=sentences(text)
    )
