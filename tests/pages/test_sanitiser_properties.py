"""Whatever staff type, the stored HTML carries no script, handler, style or foreign image."""

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pages.rendering import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown

PIECES = st.sampled_from(
    [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '<a href="javascript:x">',
        "<svg onload=alert(1)>", '<p style="color:red">', "<style>*{}</style>", "<iframe>",
        '<img src="//evil.example/x.png">', '<img src="/\\evil.example/x.png">',
        "[a](javascript:alert(1))", "![i](http://e.x/p.png)",
        "## Heading", "- item", "**bold**", "<", ">", '"', "'", "&", "\n\n", "`code`", "<!--",
        "-->", "<object data=x>", '<form action="/x">', "<input autofocus onfocus=x>",
    ]
)  # fmt: skip
DOCUMENTS = st.lists(st.one_of(PIECES, st.text(max_size=20)), max_size=12).map("".join)


class TagCollector(HTMLParser):
    """Collect every element and attribute the browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS)
def test_rendered_body_never_holds_active_content(source):
    collector = TagCollector()
    collector.feed(render_markdown(source).html)
    for tag, attrs in collector.found:
        assert tag in ALLOWED_TAGS
        assert set(attrs) <= ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}
        href = (attrs.get("href") or "").strip().lower()
        assert not href.startswith(("javascript:", "data:", "vbscript:"))
        src = attrs.get("src")  # an <img> whose foreign src was removed requests nothing
        if src is not None:
            assert src.startswith("/") and loads_from_this_site(src)


# The browser's view of a URL (WHATWG URL Standard), written out independently of the renderer:
# leading and trailing C0 controls and spaces dropped, tabs and newlines dropped anywhere, and
# a backslash read as a slash (always here, which is stricter than browsers for mailto: and tel:).
PAGE = "https://clinic.example/learn/x/"
C0_CONTROL_OR_SPACE = "".join(chr(code) for code in range(0x21))


def loads_from_this_site(src: str) -> bool:
    url = re.sub("[\t\n\r]", "", src.strip(C0_CONTROL_OR_SPACE)).replace("\\", "/")
    resolved = urlsplit(urljoin(PAGE, url))
    return (resolved.scheme, resolved.netloc) == ("https", "clinic.example")


def image_sources(source: str) -> list[str]:
    collector = TagCollector()
    collector.feed(render_markdown(source).html)
    return [attrs["src"] for tag, attrs in collector.found if tag == "img" and "src" in attrs]


URL_PIECES = st.sampled_from(
    [
        "/", "//", "\\", "\t", "\n", "\r", " ", "\x0c", "&#9;", "&#10;", "&#13;", "&#1;", "&#0;",
        "&#31;", "&#32;", "&Tab;", "&NewLine;", "&#x5C;", "&#92;", "&#47;", "%2F", "%09",
        "evil.example", "clinic.example", ":", "http:", "HTTPS:", "javascript:", "data:", "@",
        "?", "#", ".", "..", "x.gif", "\u00a0", "\ufeff",
    ]
)  # fmt: skip
# Shaped like the attack (junk, slash, junk, slash, junk, host) so each run tries many of them.
JUNK = st.lists(
    st.sampled_from(["\t", "\n", "\r", " ", "&#9;", "&#10;", "&#13;", "&#1;", "&#31;", "&Tab;"]),
    max_size=3,
).map("".join)
SLASH = st.sampled_from(["/", "/", "/", "\\", "&#47;", "&#92;", "&#x5C;", "%2F"])
SCHEME = st.sampled_from(["", "", "", "", "", "http:", "HTTPS:", "javascript:", "data:"])
HOST = st.sampled_from(["evil.example/x.gif", "@evil.example", ":evil.example", "x.gif"])
URLS = st.one_of(
    st.tuples(JUNK, SCHEME, JUNK, SLASH, JUNK, SLASH, JUNK, HOST).map("".join),
    st.lists(URL_PIECES, min_size=1, max_size=8).map("".join),
)
IMAGE_MARKUP = st.sampled_from(
    [
        '<img src="{}">', "<img src='{}'>", "<img src={}>", "![x]({})", "![x](<{}>)",
        "![x][r]\n\n[r]: {}", "[![x]({})](/learn/)", '<p><img alt="x" src="{}"></p>',
    ]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(IMAGE_MARKUP, URLS)
def test_no_image_loads_from_another_site_however_its_address_is_spelled(markup, url):
    for src in image_sources(markup.format(url)):
        assert loads_from_this_site(src), src


@pytest.mark.parametrize(
    "source",
    [
        '<img src="/&#9;/evil.example/x.gif">',
        '<img src="/&#10;/evil.example/x.gif">',
        '<img src="/&#13;&#10;/evil.example/x.gif">',
        '<img src="&#9;//evil.example/x.gif">',
        '<img src="&#1;//evil.example/x.gif">',
        '<img src="/\\evil.example/x.gif">',
        '<img src="\\\\evil.example/x.gif">',
        '<img src="/&#9;\\evil.example/x.gif">',
        "![x](</\t/evil.example/x.gif>)",
        "![x](/\\evil.example/x.gif)",
    ],
)
def test_control_characters_and_backslashes_cannot_smuggle_an_image_from_another_site(source):
    assert all(loads_from_this_site(src) for src in image_sources(source))


def test_local_images_stay_as_the_browser_would_load_them():
    assert image_sources('<img src="/media/a.png">![b](/media/b.png)') == [
        "/media/a.png",
        "/media/b.png",
    ]
    assert image_sources('<img src="/media/a&#9;b.png">') == ["/media/ab.png"]


def test_a_link_cannot_hide_a_script_behind_a_tab():
    html = render_markdown('<a href="java&#9;script:alert(1)">x</a>').html
    assert "script:" not in html
