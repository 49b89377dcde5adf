"""On a phone, a crisis search and an article about suicide show the crisis lines as buttons
big enough to tap, before any result or the article's text, with no accessibility violation."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .axe import axe_violations, describe

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def starter(transactional_db):
    call_command("load_starter_content", "--demo", stdout=StringIO())


def assert_crisis_buttons_before(page, later: str):
    panel = page.locator(".crisis-panel")
    expect(panel).to_be_visible()
    for name in ("Call 988", "Text 988", "Chat online", "Call 911 if you are in danger"):
        button = panel.get_by_role("link", name=name)
        button.scroll_into_view_if_needed()
        expect(button).to_be_in_viewport()
        box = button.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, (name, box)
    assert panel.bounding_box()["y"] < page.locator(later).first.bounding_box()["y"]
    assert page.locator("body").evaluate("b => b.scrollWidth <= window.innerWidth")
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_a_crisis_search_on_a_phone_leads_with_the_crisis_lines(site, page, starter):
    page.set_viewport_size(PHONE)
    site.open("/learn/")
    page.get_by_role("searchbox").fill("i want to die")
    page.get_by_role("searchbox").press("Enter")
    assert_crisis_buttons_before(page, ".search-results")


def test_the_article_about_suicide_shows_the_crisis_lines_inline_on_a_phone(site, page, starter):
    page.set_viewport_size(PHONE)
    site.open("/learn/if-you-are-thinking-about-suicide/")
    assert_crisis_buttons_before(page, ".article__body")
