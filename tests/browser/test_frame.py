"""The frame every page shares, as a patient's browser sees it."""

from urllib.parse import urlsplit

import pytest

from .axe import axe_violations, describe

PUBLIC_FRAME_PAGES = ["/", "/privacy/", "/does-not-exist/"]


def test_home_shows_crisis_line_and_primary_call_to_action(site, page):
    site.open("/")
    crisis = page.get_by_role("complementary", name="Crisis support")
    assert crisis.is_visible()
    assert "988" in crisis.inner_text() and "911" in crisis.inner_text()
    assert page.get_by_role("link", name="Call 988").get_attribute("href") == "tel:988"
    cta = page.get_by_role("main").get_by_role("link", name="Request a free consultation")
    assert cta.is_visible()


def test_keyboard_only_reaches_the_consultation_link(site, page):
    site.open("/")
    for _ in range(25):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.textContent.trim(),"
            " document.activeElement.getAttribute('href')]"
        )
        if focused[0] == "Request a free consultation":
            break
    else:
        pytest.fail("25 presses of Tab never reached 'Request a free consultation'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/consultation/")
    assert page.get_by_role("heading", level=1).inner_text() == "Request a free consultation"


def test_skip_link_moves_focus_to_main_content(site, page):
    site.open("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()  # it shows itself when focused
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"


@pytest.mark.parametrize("path", PUBLIC_FRAME_PAGES)
def test_page_makes_no_request_outside_its_own_origin(site, page, path):
    site.open(path)
    page.wait_for_load_state("networkidle")
    own = urlsplit(site.url).netloc
    assert site.seen, "the page made no requests at all - the listener is broken"
    foreign = [url for url in site.seen if urlsplit(url).netloc != own]
    assert foreign == []


@pytest.mark.parametrize("path", PUBLIC_FRAME_PAGES)
def test_page_has_no_wcag_violations(site, page, path):
    site.open(path)
    violations = axe_violations(page)
    assert violations == [], describe(violations)


@pytest.mark.parametrize("width", [320, 390])
def test_narrow_phone_screen_does_not_scroll_sideways(site, page, width):
    page.set_viewport_size({"width": width, "height": 800})
    site.open("/")
    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_axe_flags_a_broken_page(site, page):
    """Sanity: the accessibility check is live and would catch a real problem."""
    site.open("/")
    page.evaluate(
        """() => {
            const img = document.createElement('img');
            img.src = '/static/img/logo.svg';
            document.querySelector('main').appendChild(img);
            const input = document.createElement('input');
            document.querySelector('main').appendChild(input);
        }"""
    )
    ids = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "label"} <= ids
