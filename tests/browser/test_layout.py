"""The layout as a patient meets it on a phone, a tablet and a desktop, in a real Chromium.

Tap targets: every visible link and control in the crisis bar, the header (with the main menu),
the main content and the footer must be at least 44x44 CSS px (WCAG 2.5.5, the size Apple and
Android recommend), with three rules of measurement:
- a radio button or checkbox is measured by its row, since its label is part of what you tap;
- an article card is measured by the card, since its title's link stretches over the whole card;
- a text link inside a sentence (a paragraph, list item or label with more words than the link)
  is exempt, as WCAG 2.5.8 exempts inline links, except a phone number or a crisis line link
  (tel:, a.crisis-link): those must be 44 px tall even in the middle of a sentence.

With SAVE_SCREENSHOTS=1 in the environment, a run saves the first screen of each page to
docs/screenshots/<page>-<width>.png, and in dark mode (at the default 1280x720) to
<page>-dark.png: `SAVE_SCREENSHOTS=1 make test ARGS=tests/browser/test_layout.py` after a
change to the design, then commit them. A plain run leaves the committed pictures alone.
"""

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from pages.management.commands.load_starter_content import DEMO_CLINIC

from .axe import axe_violations, describe

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def save_screenshot(page, name: str) -> None:
    """Save the page's first screen under docs/screenshots/ when SAVE_SCREENSHOTS is set."""
    if os.environ.get("SAVE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"{name}.png")


ARTICLE = "/learn/what-a-session-is-like/"
PAGES = {
    "home": "/",
    "article": ARTICLE,
    "form": "/consultation/",
    "team": "/team/",
    "visit": "/visit/",
    "costs": "/costs/",
}
SCREENS = {320: 568, 390: 844, 768: 1024, 1280: 800}  # width: height of a typical first screen
PHONE = {"width": 390, "height": 844}
MIN_TAP = 44
IN_FIRST_SCREEN = (
    "(el, h) => { const r = el.getBoundingClientRect(); return r.height > 0 && r.top < h; }"
)

TARGETS_UNDER_44_PX = """(min) => {
  const small = [];
  const inSentence = (el) => {
    const block = el.parentElement.closest("p, li, td, dd, address, label");
    return block && block.textContent.trim().length > el.textContent.trim().length;
  };
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  for (const scope of document.querySelectorAll(".crisis, .site-header, main, .site-footer")) {
    for (const el of scope.querySelectorAll(selector)) {
      let box = el.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1 || getComputedStyle(el).visibility === "hidden") {
        continue;  // not shown (the form's hidden trap for bots, a closed disclosure)
      }
      if (el.matches("input[type=radio], input[type=checkbox]")) {
        box = el.closest(".govuk-radios__item, .govuk-checkboxes__item").getBoundingClientRect();
      } else if (el.matches(".card__link")) {
        box = el.closest(".card").getBoundingClientRect();
      } else if (inSentence(el) && !el.matches("a.crisis-link, a[href^='tel:']")) {
        continue;
      }
      if (box.width < min - 0.5 || box.height < min - 0.5) {
        const size = `${box.width.toFixed(1)}x${box.height.toFixed(1)}`;
        small.push(`${el.outerHTML.slice(0, 90)} is ${size}`);
      }
    }
  }
  return small;
}"""


@pytest.fixture
def starter(transactional_db):
    """Load the demo: the starter articles, the demo clinic's long name and phone for the
    header, its sample team, parking and transit notes and costs page."""
    call_command("load_starter_content", "--demo", stdout=StringIO())


@pytest.mark.parametrize("width", SCREENS)
@pytest.mark.parametrize("name", PAGES)
def test_page_fits_the_screen_and_every_control_is_big_enough_to_tap(
    site, page, starter, name, width
):
    page.set_viewport_size({"width": width, "height": SCREENS[width]})
    site.open(PAGES[name])
    save_screenshot(page, f"{name}-{width}")

    overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
    small = page.evaluate(TARGETS_UNDER_44_PX, MIN_TAP)
    assert small == [], "\n".join(small)


@pytest.mark.parametrize("name", PAGES)
def test_header_and_crisis_bar_take_at_most_a_quarter_of_a_phone_screen(site, page, starter, name):
    page.set_viewport_size(PHONE)
    site.open(PAGES[name])
    content_top = page.locator("main").bounding_box()["y"]
    assert content_top <= 0.25 * PHONE["height"], f"{name}: content starts at {content_top}px"


def test_crisis_lines_stay_in_reach_at_the_end_of_a_long_article(site, page, starter):
    page.set_viewport_size(PHONE)
    site.open(ARTICLE)
    page.keyboard.press("End")
    page.wait_for_function("() => window.scrollY > 2000")
    crisis = page.get_by_role("complementary", name="Crisis support")
    for name in ("Call 988", "Text 988"):
        link = crisis.get_by_role("link", name=name)
        expect(link).to_be_in_viewport()
        assert link.bounding_box()["height"] >= MIN_TAP


def test_a_heading_reached_from_on_this_page_is_not_hidden_under_the_crisis_bar(
    site, page, starter
):
    page.set_viewport_size(PHONE)
    site.open(ARTICLE)
    page.get_by_role("navigation", name="On this page").get_by_role(
        "link", name="Step 5: rest and going home"
    ).click()
    heading = page.get_by_role("heading", name="Step 5: rest and going home")
    bar = page.locator(".crisis").bounding_box()
    assert heading.bounding_box()["y"] >= bar["y"] + bar["height"]


def test_home_shows_one_call_to_action_on_the_first_phone_screen(site, page, starter):
    page.set_viewport_size(PHONE)
    site.open("/")
    ctas = page.get_by_role("link", name="Request a free consultation")
    in_view = [
        i for i in range(ctas.count()) if ctas.nth(i).evaluate(IN_FIRST_SCREEN, PHONE["height"])
    ]
    assert len(in_view) == 1


def test_tapping_anywhere_on_an_article_card_opens_the_article(site, page, starter):
    page.set_viewport_size(PHONE)
    site.open("/learn/")
    card = page.locator(".card").filter(has_text="What a ketamine session is like").first
    card.scroll_into_view_if_needed()
    summary = card.locator("p").bounding_box()  # a tap on the summary, not the title's link
    page.mouse.click(summary["x"] + 10, summary["y"] + summary["height"] / 2)
    expect(page).to_have_url(site.url + ARTICLE)


def test_a_printed_page_keeps_the_crisis_lines_written_out(site, page, starter):
    page.set_viewport_size({"width": 390, "height": 844})
    page.emulate_media(media="print")
    site.open(ARTICLE)
    crisis = page.get_by_role("complementary", name="Crisis support")
    assert crisis.evaluate("el => getComputedStyle(el).position") == "static"
    # On a phone's screen these words are visually hidden (1x1 px); on paper they are written out.
    for words in ("crisis__message", "crisis__long", "crisis__more"):
        box = crisis.locator(f".{words}").bounding_box()
        assert box["width"] > 20 and box["height"] > 10, words
    expect(crisis).to_contain_text("Chat with the 988 Suicide & Crisis Lifeline")


@pytest.mark.parametrize("width", [320, 768])
def test_breadcrumb_separator_stays_beside_its_link(site, page, starter, width):
    page.set_viewport_size({"width": width, "height": 800})
    site.open(ARTICLE)
    for item in page.locator(".breadcrumbs li + li").filter(visible=True).all():
        item_box, link_box = item.bounding_box(), item.get_by_role("link").bounding_box()
        assert link_box["y"] - item_box["y"] < 2, "the link wrapped below its separator"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_accessibility_violations_in_light_and_dark(site, page, starter, name, scheme):
    page.emulate_media(color_scheme=scheme)
    site.open(PAGES[name])
    if scheme == "dark":
        save_screenshot(page, f"{name}-dark")
    violations = axe_violations(page)
    assert violations == [], describe(violations)


def test_the_visit_page_loads_nothing_from_a_map_service(site, page, starter):
    page.set_viewport_size(PHONE)
    site.open("/visit/")
    expect(page.get_by_role("link", name="Apple Maps")).to_be_visible()
    assert [url for url in site.seen if not url.startswith(site.url)] == []


def test_staff_sign_in_carries_the_clinics_name_and_colours(site, page, starter):
    site.open("/admin/login/")
    expect(page.locator("#site-name")).to_contain_text(DEMO_CLINIC["name"])
    header = page.locator("#header").evaluate("el => getComputedStyle(el).backgroundColor")
    assert header == "rgb(11, 85, 99)"  # the site's --brand
    save_screenshot(page, "admin-login")
