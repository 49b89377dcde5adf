"""The article renderer: bounded work on hostile Markdown, a length cap, stable anchors."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from pages.models import Article
from pages.rendering import MAX_SOURCE_LENGTH, SourceTooLong, render_markdown
from tests.factories import make_user, sign_in_verified

ROOT = Path(__file__).resolve().parents[2]
N = MAX_SOURCE_LENGTH
# Inputs that make Markdown parsers backtrack or nest, each as long as an article may be.
PATHOLOGICAL = {
    "open brackets": "[" * N,  # Python-Markdown: minutes
    "empty links": "[](" * (N // 3),
    "images": "![" * (N // 2),
    "nested quotes": ">" * N,
    "nested lists": "".join("  " * depth + "- x\n" for depth in range(400))[:N],
    "asterisks": "*" * N,
    "emphasis": "*a" * (N // 2),
    "underscores": "_a" * (N // 2),
    "angle brackets": "<" * N,
    "backticks": "`a" * (N // 2),
    "identical headings": "## x\n" * (N // 5),
    "table rows": "a|b\n-|-\n" + "x|y\n" * (N // 4 - 2),
}


@pytest.mark.parametrize("source", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_hostile_markdown_of_the_largest_allowed_size_cannot_pin_a_worker(source):
    # In a child process, so a regression fails at the timeout instead of hanging the suite.
    # The bound is generous (the renderer needs about 3 s at most on a busy CI machine; the
    # old one needed minutes): it catches work that grows faster than the text, not noise.
    assert len(source) <= MAX_SOURCE_LENGTH
    script = "import sys; from pages.rendering import render_markdown as r; r(sys.stdin.read())"
    subprocess.run(
        [sys.executable, "-c", script], input=source, text=True, cwd=ROOT, check=True, timeout=15
    )


def test_body_longer_than_the_cap_is_refused_with_a_clear_error():
    render_markdown("x" * MAX_SOURCE_LENGTH)
    with pytest.raises(SourceTooLong, match="at most 100,000"):
        render_markdown("x" * (MAX_SOURCE_LENGTH + 1))


def test_line_breaks_as_browsers_send_them_count_once_towards_the_cap():
    render_markdown("abcd\r\n" * (MAX_SOURCE_LENGTH // 5))


@pytest.mark.django_db
def test_editor_is_told_when_an_article_is_too_long_to_save():
    request = RequestFactory().get("/")
    request.user = make_user(is_staff=True, is_superuser=True)
    article_form = site.get_model_admin(Article).get_form(request)
    assert article_form(data={"body": "Words. " * 20_000}).errors["body"] == [
        "This article is 139,999 characters long, and an article can hold at most 100,000. "
        "Please shorten it, or split it into two articles and link them under Related articles."
    ]
    assert "body" not in article_form(data={"body": "Words. " * 100}).errors


@pytest.mark.django_db
def test_preview_of_an_over_long_body_shows_its_start_rather_than_failing(client):
    sign_in_verified(client, make_user(is_staff=True, is_superuser=True))
    body = "## Start\n\n" + "Words. " * 20_000
    response = client.post(reverse("admin:pages_article_preview"), {"body": body})
    assert response.status_code == 200
    assert '<h2 id="start">Start</h2>' in response.json()["html"]


def test_repeated_headings_keep_the_anchors_links_already_point_to():
    rendered = render_markdown("# Intro\n\n## Intro\n\n### Intro\n\n## x\n\n## x_1\n\n## x\n")
    assert rendered.html.split("\n")[1:] == [
        '<h2 id="intro_1">Intro</h2>',
        '<h3 id="intro_2">Intro</h3>',
        '<h2 id="x">x</h2>',
        '<h2 id="x_1">x_1</h2>',
        '<h2 id="x_2">x</h2>',
    ]


def test_contents_list_h2_and_h3_headings_in_their_words():
    rendered = render_markdown("## Costs &amp; `fees`\n\n#### Detail\n\n### Café **time**\n")
    assert rendered.toc == [
        {"id": "costs-fees", "text": "Costs & fees", "level": 2},
        {"id": "cafe-time", "text": "Café time", "level": 3},
    ]
    assert '<h4 id="detail">Detail</h4>' in rendered.html


def test_plain_text_has_one_line_per_block_for_search_and_reading_grade():
    rendered = render_markdown("## Aftercare\n\n- Rest\n- Drink *water*\n\nAsk us.")
    assert rendered.text == "Aftercare\nRest\nDrink water\nAsk us."
    assert rendered.sentences_text == "Aftercare. Rest. Drink water. Ask us."
