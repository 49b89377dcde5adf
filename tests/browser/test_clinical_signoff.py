"""The whole clinical sign-off, in Chromium: an editor changes a live article, an outside
clinician approves it through the emailed link, the editor publishes it, and a later edit
leaves the public on the reviewed version."""

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from pages.models import Status
from pages.review import publish_draft
from staff.roles import EDITOR, sync_roles
from tests.factories import browser_login_verified_staff, make_approval, make_article

from .axe import axe_violations, describe

ARTICLE = "/learn/aftercare/"


@pytest.fixture
def live_article(transactional_db):
    """An article approved by the medical director and live."""
    sync_roles()
    article = make_article(
        slug="aftercare", title="Aftercare", status=Status.DRAFT, body="Rest for the day."
    )
    make_approval(article)
    publish_draft(article=article, user=None)
    return article


@pytest.fixture
def stranger(browser, live_server):
    """Return a function opening a path in a new browser signed in as nobody (a patient, or
    the outside reviewer), with an empty browser cache: a page kept by an earlier visit may be
    reused for PAGE_CACHE_SECONDS, as the README says."""
    contexts = []

    def open_page(path):
        context = browser.new_context(base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.goto(path)
        return page

    yield open_page
    for context in contexts:
        context.close()


def edit_body(page, site, article, text):
    site.open(f"/admin/pages/article/{article.pk}/change/")
    page.locator("#id_body").fill(text)
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.get_by_role("link", name="Clinical sign-off").first.click()


def test_the_whole_sign_off_from_edit_to_publish_and_beyond(
    site, page, stranger, live_article, mailoutbox
):
    browser_login_verified_staff(
        page, site.url, username="eddie", email="eddie@clinic.example", is_superuser=False,
        groups=[Group.objects.get(name=EDITOR)],
    )  # fmt: skip

    # The editor changes the live article: the public still reads the approved text.
    edit_body(page, site, live_article, "Rest for the day. Drink water and eat lightly.")
    expect(page.get_by_text("Changed, awaiting clinical review")).to_be_visible()
    public = stranger(ARTICLE)
    expect(public.get_by_text("Rest for the day.")).to_be_visible()
    expect(public.get_by_text("Drink water")).to_have_count(0)

    # The editor sends the draft to an outside clinician.
    page.get_by_label("Reviewer's name").fill("Sam Okafor")
    page.get_by_label("Credentials").fill("MD")
    page.get_by_label("Reviewer's email").fill("sam@hospital.example")
    page.get_by_role("button", name="Email a review link").click()
    expect(page.locator(".messagelist")).to_contain_text("A review link was emailed to Sam")
    (email,) = mailoutbox
    url = re.search(r"https?://\S+/review/\?key=[\w-]+", email.body).group(0)
    path = url[url.index("/review/") :]

    # The reviewer opens it (no login), reads the draft as patients will see it, approves.
    public = stranger(path)
    expect(public.get_by_text("Drink water and eat lightly.")).to_be_visible()
    violations = axe_violations(public)
    assert not violations, describe(violations)
    public.get_by_label(re.compile("I am Sam Okafor, MD")).check()
    public.get_by_label("Approved").check()
    public.get_by_label("Comment").fill("Accurate and kind.")
    public.get_by_role("button", name="Send my review").click()
    expect(public.get_by_role("heading", name="Thank you for your review")).to_be_visible()
    assert any("Accurate and kind." in message.body for message in mailoutbox[1:])

    # The editor publishes: the public reads the new text under the new review line.
    page.reload()
    expect(page.get_by_text("Approved, ready to publish")).to_be_visible()
    page.get_by_role("button", name="Publish this version").click()
    expect(page.locator(".messagelist")).to_contain_text("Published")
    public = stranger(ARTICLE)
    expect(public.get_by_text("Drink water and eat lightly.")).to_be_visible()
    expect(
        public.get_by_text(re.compile("Medically reviewed by Sam Okafor, MD on"))
    ).to_be_visible()

    # A later edit voids the approval: publishing is refused, the public keeps the reviewed text.
    edit_body(page, site, live_article, "Drive yourself home.")
    expect(page.get_by_text("Changed, awaiting clinical review")).to_be_visible()
    page.get_by_role("button", name="Publish this version").click()
    expect(page.locator(".messagelist")).to_contain_text("has not been approved by a clinician")
    public = stranger(ARTICLE)
    expect(public.get_by_text("Drink water and eat lightly.")).to_be_visible()
    expect(public.get_by_text("Drive yourself home.")).to_have_count(0)
    expect(public.get_by_text(re.compile("Medically reviewed by Sam Okafor, MD"))).to_be_visible()

    # The used link opens nothing any more.
    public = stranger(path)
    expect(public.get_by_text("You already sent your review with this link")).to_be_visible()
    expect(public.get_by_text("Drive yourself home.")).to_have_count(0)
