"""A person in crisis is shown the crisis lines wherever they type or read: in search results,
in articles that speak of suicide, and on the confirmation of a request that mentions it."""

import pytest

from bookings.models import ConsultationRequest
from pages.models import ClinicProfile
from tests.factories import consultation_post, make_article

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def crisis_line():
    """A clinic whose crisis line differs from the national default, to prove its one source."""
    profile = ClinicProfile.objects.load()
    profile.crisis_number, profile.crisis_name = "777", "Harbor Crisis Line"
    profile.crisis_chat_url = "https://chat.crisis.example/"
    profile.save()


def crisis_panel(html: str) -> str:
    """Return the crisis panel's HTML, failing if the page has none."""
    start = html.index('class="panel panel--warning crisis-panel"')
    return html[start : html.index("</section>", start)]


@pytest.mark.parametrize(
    "words", ["i want to die", "I dont want to live anymore", "kms", "how to end it all"]
)
def test_a_search_in_words_of_crisis_shows_the_crisis_lines_first(client, words):
    make_article(title="Side effects", body="Some people feel sick. Nobody wants to die of it.")
    html = client.get("/learn/search/", {"q": words}).content.decode()
    panel = crisis_panel(html)
    assert 'href="tel:777"' in panel and 'href="sms:777"' in panel
    assert 'href="https://chat.crisis.example/"' in panel and "Harbor Crisis Line" in panel
    main = html[html.index("<main") :]
    assert main.index("crisis-panel") < main.index("search-results")
    assert "Try fewer or simpler words" not in html


def test_an_ordinary_search_shows_no_crisis_panel(client):
    html = client.get("/learn/search/", {"q": "nausea"}).content.decode()
    assert "crisis-panel" not in html
    assert "Try fewer or simpler words" in html


def test_an_article_about_suicide_shows_the_crisis_lines_near_its_top(client):
    make_article(slug="suicide", body="If you have thoughts of suicide, help is there.\n\n" * 3)
    html = client.get("/learn/suicide/").content.decode()
    panel = crisis_panel(html)
    assert 'href="tel:777"' in panel
    assert html.index("crisis-panel") < html.index('class="article__body')


def test_an_article_that_does_not_speak_of_crisis_has_no_panel(client):
    make_article(slug="costs", body="What the first visit costs, and how to pay.")
    assert "crisis-panel" not in client.get("/learn/costs/").content.decode()


def test_a_request_in_words_of_crisis_is_confirmed_with_the_crisis_lines_and_seen_first(client):
    client.post("/consultation/", consultation_post(message="I cant go on like this"))
    request = ConsultationRequest.objects.get()
    assert request.urgent
    html = client.get("/consultation/thanks/").content.decode()
    assert 'href="tel:777"' in crisis_panel(html)
    assert "Our team will look at your request first" in html
    assert html.index("crisis-panel") < html.index(request.reference)
