"""Whatever staff type, the stored HTML carries no script, handler, style or foreign image."""

from html.parser import HTMLParser

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
            assert src.startswith("/") and src[1:2] not in ("/", "\\")
