"""Articles as readers and editors meet them, in a real Chromium."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from pages.models import Article, Status
from tests.factories import make_article, make_user, totp_code

from .axe import axe_violations, describe

PASSWORD = "correct horse battery"


@pytest.fixture
def starter(transactional_db):
    call_command("load_starter_content", "--demo", stdout=StringIO())


def sign_in(site, page, user):
    """Sign in through the admin, with the two-factor step when the account needs one."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    site.open("/admin/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/admin/(two-factor/verify/.*)?$"))
    if "/two-factor/verify/" in page.url:
        page.get_by_label("Code").fill(totp_code(device))
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/admin/")


def test_reader_goes_from_home_to_an_article_and_its_call_to_action(site, page, starter):
    site.open("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Learn").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Learn about ketamine therapy")
    page.get_by_role("link", name="What a ketamine session is like, step by step").click()
    expect(page).to_have_url(re.compile(r"/learn/what-a-session-is-like/$"))

    page.get_by_role("navigation", name="On this page").get_by_role(
        "link", name="Step 5: rest and going home"
    ).click()
    expect(page).to_have_url(re.compile(r"#step-5-rest-and-going-home$"))
    heading = page.get_by_role("heading", name="Step 5: rest and going home")
    expect(heading).to_be_in_viewport()
    expect(heading).to_be_focused()  # moved there by static/js/article.js
    assert heading.evaluate("el => el.matches(':target')")

    page.locator("#next-step").get_by_role("link", name="Request a free consultation").click()
    expect(page).to_have_url(re.compile(r"/consultation/\?from=/learn/what-a-session-is-like/$"))


def test_faq_opens_as_a_disclosure(site, page, starter):
    site.open("/learn/frequently-asked-questions/")
    answer = page.get_by_text("Please ask in your free consultation, and we will explain")
    expect(answer).to_be_hidden()
    page.get_by_text("How much does ketamine therapy cost?").click()
    expect(answer).to_be_visible()


def test_draft_is_404_to_the_public_but_staff_preview_it(site, page, transactional_db):
    make_article(slug="coming-soon", title="Coming soon", status=Status.DRAFT)
    assert site.open("/learn/coming-soon/").status == 404
    sign_in(site, page, make_user(is_staff=True, is_superuser=True))
    response = site.open("/learn/coming-soon/")
    assert response.status == 200
    expect(page.get_by_role("status").filter(has_text="Draft preview")).to_be_visible()


def test_editor_edits_a_draft_and_publishing_waits_for_a_clinician(site, page, transactional_db):
    from django.contrib.auth.models import Permission

    editor = make_user(username="editor", is_staff=True)
    editor.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="pages",
            codename__in=["view_article", "change_article", "view_articlefaq",
                          "change_articlefaq", "add_articlefaq"],
        )
    )  # fmt: skip
    article = make_article(slug="draft-piece", title="Draft piece", status=Status.DRAFT)
    sign_in(site, page, editor)
    site.open(f"/admin/pages/article/{article.pk}/change/")
    body = page.locator("#id_body")
    body.fill("## Fresh heading\n\nA brand new sentence from the editor.")
    preview = page.locator(".article-preview__body")
    expect(preview.get_by_role("heading", name="Fresh heading")).to_be_visible()
    page.get_by_role("button", name="Save and continue editing").first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    page.get_by_role("link", name="Clinical sign-off").first.click()
    page.get_by_role("button", name="Publish this version").click()
    expect(page.locator(".messagelist")).to_contain_text("has not been approved by a clinician")

    page.context.clear_cookies()
    assert site.open("/learn/draft-piece/").status == 404
    assert Article.objects.get(pk=article.pk).history.count() == 2


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/learn/",
        "/learn/what-a-session-is-like/",
        "/learn/frequently-asked-questions/",
        "/learn/search/?q=side+effects",
        "/learn/search/?q=%21%21%21",
        "/conditions/",
        "/what-to-expect/",
    ],
)
def test_article_pages_have_no_wcag_violations(site, page, starter, path):
    site.open(path)
    if path == "/":
        expect(page.get_by_role("heading", name="Learn before you decide")).to_be_visible()
    if "search/?q=side" in path:
        expect(page.locator(".result mark").first).to_be_visible()
    page.locator("details").evaluate_all("els => els.forEach(el => el.open = true)")
    violations = axe_violations(page)
    assert violations == [], describe(violations)


@pytest.mark.parametrize("path", ["/", "/learn/what-is-ketamine-therapy/"])
def test_page_makes_no_third_party_request_and_breaks_no_csp_rule(site, page, starter, path):
    errors = []
    page.on("console", lambda message: errors.append(message.text))
    site.open(path)
    page.wait_for_load_state("networkidle")
    foreign = [url for url in site.seen if not url.startswith(site.url)]
    assert foreign == []
    assert [text for text in errors if "Content Security Policy" in text] == []
