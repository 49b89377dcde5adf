"""Articles: the publish gate, clinical review, sanitising, old addresses and the admin."""

import datetime

import pytest
from django.core.cache import caches
from django.db import IntegrityError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pages.models import Article, ClinicProfile, Status
from pages.rendering import render_markdown
from pages.review import publish_unreviewed
from tests.factories import make_article, make_user, sign_in_verified

pytestmark = pytest.mark.django_db


def test_published_article_is_shown(client):
    make_article(title="Plain words", body="## Start here\n\nHello reader.")
    response = client.get("/learn/test-article/")
    assert response.status_code == 200
    assert "Hello reader." in response.content.decode()


def test_draft_is_404_to_the_public(client):
    make_article(status=Status.DRAFT)
    assert client.get("/learn/test-article/").status_code == 404
    assert "Test article" not in client.get("/learn/").content.decode()


def test_future_article_appears_once_its_date_is_reached(client):
    article = make_article(publish_at=timezone.now() + datetime.timedelta(hours=1))
    assert client.get("/learn/test-article/").status_code == 404
    assert not Article.objects.published().exists()
    Article.objects.filter(pk=article.pk).update(
        publish_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get("/learn/test-article/").status_code == 200


def test_staff_preview_of_a_draft_shows_a_banner_and_is_not_cached(client):
    make_article(status=Status.DRAFT)
    sign_in_verified(client, make_user(is_staff=True, is_superuser=True))
    response = client.get("/learn/test-article/")
    assert response.status_code == 200
    assert "Draft preview" in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_staff_without_article_permission_cannot_preview(client):
    make_article(status=Status.DRAFT)
    client.force_login(make_user(is_staff=True))
    assert client.get("/learn/test-article/").status_code == 404


def test_published_article_has_no_draft_banner_for_staff(client):
    make_article()
    sign_in_verified(client, make_user(is_staff=True, is_superuser=True))
    assert "Draft preview" not in client.get("/learn/test-article/").content.decode()


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "<script"),
        ('<img src="/x.png" onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "javascript:"),
        ('<p style="position:fixed">x</p>', "style="),
        ("<style>body{display:none}</style>", "<style"),
        ('<iframe src="https://example.com"></iframe>', "<iframe"),
        ('<img src="https://tracker.example/pixel.gif" alt="">', "tracker.example"),
        ('<img src="//tracker.example/pixel.gif" alt="">', "tracker.example"),
        ('<img src="/\\tracker.example/pixel.gif" alt="">', "tracker.example"),
        ("<svg><script>alert(1)</script></svg>", "<svg"),
    ],
)
def test_body_is_sanitised_on_save(source, forbidden):
    article = make_article(body=f"Intro.\n\n{source}\n\nOutro.")
    assert forbidden.lower() not in article.body_html.lower()
    assert "Outro." in article.body_html


def test_headings_get_stable_anchors_and_a_table_of_contents():
    rendered = render_markdown("## Side effects\n\nText.\n\n### During the infusion\n\nMore.")
    assert '<h2 id="side-effects">' in rendered.html
    assert rendered.toc == [
        {"id": "side-effects", "text": "Side effects", "level": 2},
        {"id": "during-the-infusion", "text": "During the infusion", "level": 3},
    ]


def test_a_heading_cannot_take_an_id_the_page_uses():
    assert 'id="main-section"' in render_markdown("## Main\n\nText.").html


def test_article_page_has_toc_faqs_cta_and_disclaimer(client):
    make_article(faqs=[("Does it hurt?", "A small needle & a drip.")])
    html = client.get("/learn/test-article/").content.decode()
    assert '<a href="#first-part">First part</a>' in html
    assert "<summary>Does it hurt?</summary>" in html
    assert "A small needle &amp; a drip." in html
    assert 'href="/consultation/?from=/learn/test-article/"' in html
    assert "General information only." in html


def test_changing_a_published_slug_redirects_the_old_address(client):
    article = make_article(slug="old-name")
    article.slug = "new-name"
    article.save()
    response = client.get("/learn/old-name/")
    assert response.status_code == 301
    assert response["Location"] == "/learn/new-name/"
    article.slug = "newest-name"
    article.save()
    assert client.get("/learn/old-name/")["Location"] == "/learn/newest-name/"
    assert client.get("/learn/new-name/")["Location"] == "/learn/newest-name/"


def test_old_slug_of_a_draft_does_not_redirect(client):
    article = make_article(slug="old-name")
    article.slug = "new-name"
    article.status = Status.DRAFT
    article.save()
    assert client.get("/learn/old-name/").status_code == 404


def test_reusing_an_old_slug_shows_the_new_article(client):
    first = make_article(slug="shared")
    first.slug = "moved"
    first.save()
    make_article(slug="shared", title="Second article", status=Status.DRAFT)
    assert client.get("/learn/shared/").status_code == 404  # no longer redirects
    publish_unreviewed(Article.objects.get(slug="shared"))
    assert "Second article" in client.get("/learn/shared/").content.decode()


def test_picture_needs_a_description():
    with pytest.raises(IntegrityError):
        make_article(hero_image="articles/x.png", hero_image_alt="")


def test_search_is_not_a_usable_slug():
    with pytest.raises(IntegrityError):
        make_article(slug="search")


def test_every_change_is_kept_in_history():
    article = make_article(body="First version.")
    article.body = "Second version."
    article.save()
    versions = list(article.history.order_by("history_date").values_list("body", flat=True))
    assert versions == ["First version.", "Second version."]


def test_reading_grade_is_measured_on_save():
    simple = make_article(slug="simple", body="We check on you. You rest. Then you go home.")
    hard = make_article(
        slug="hard",
        body="Pharmacological interventions necessitate comprehensive individualised "
        "multidisciplinary evaluation, incorporating neuropsychiatric considerations.",
    )
    assert simple.reading_grade <= 8
    assert hard.reading_grade > 8


def test_list_groups_published_articles_by_topic(client):
    make_article(slug="a", title="About article", topic="about")
    make_article(slug="b", title="Safety article", topic="safety")
    make_article(slug="c", title="Hidden draft", topic="safety", status=Status.DRAFT)
    html = client.get("/learn/").content.decode()
    assert html.index("About the treatment") < html.index("About article")
    assert html.index("Safety</h2>") < html.index("Safety article")
    assert "Hidden draft" not in html


def test_conditions_page_links_each_condition_article(client):
    make_article(slug="ketamine-for-ocd", title="Ketamine for OCD", topic="conditions")
    make_article(slug="other", title="Not a condition", topic="about")
    html = client.get(reverse("pages:conditions")).content.decode()
    assert 'href="/learn/ketamine-for-ocd/"' in html
    assert "Not a condition" not in html


def test_what_to_expect_lists_that_topic(client):
    make_article(slug="session", title="Your session", topic="what-to-expect")
    html = client.get(reverse("pages:what_to_expect")).content.decode()
    assert 'href="/learn/session/"' in html


def test_home_features_an_article_from_each_topic(client):
    make_article(slug="a", title="First about", topic="about", order=1)
    make_article(slug="b", title="Second about", topic="about", order=2)
    make_article(slug="c", title="First safety", topic="safety")
    html = client.get("/").content.decode()
    assert "First about" in html
    assert "First safety" in html
    assert "Second about" not in html


def test_related_articles_prefer_the_chosen_ones(client):
    article = make_article(slug="main", topic="about")
    chosen = make_article(slug="chosen", title="Chosen one", topic="safety")
    make_article(slug="draft", title="Draft one", topic="about", status=Status.DRAFT)
    article.related.add(chosen)
    html = client.get("/learn/main/").content.decode()
    assert "Chosen one" in html
    assert "Draft one" not in html


def queries_for(path: str) -> int:
    """Return how many statements one uncached anonymous view of `path` costs."""
    ClinicProfile.objects.load()  # made on the first page ever shown: not part of the count
    caches["pages"].clear()
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["/", "/learn/", "/conditions/", "/learn/search/?q=words"])
def test_pages_cost_the_same_with_three_articles_or_thirty(path):
    """No page reads the database once per article (the database's time grows with the site)."""
    for number in range(3):
        make_article(slug=f"a{number}", topic=["about", "safety", "conditions"][number % 3])
    few = queries_for(path)
    for number in range(3, 30):
        make_article(slug=f"a{number}", topic=["about", "safety", "conditions"][number % 3])
    assert queries_for(path) == few


def test_an_article_page_costs_the_same_with_one_question_or_ten():
    article = make_article(faqs=[("One?", "Yes.")])
    article.related.add(make_article(slug="r1", title="r1"))
    few = queries_for("/learn/test-article/")
    for number in range(9):
        article.faqs.create(question=f"Q{number}?", answer="A.", order=number + 1)
        article.related.add(make_article(slug=f"r{number + 2}", title=f"r{number + 2}"))
    assert queries_for("/learn/test-article/") == few


def test_admin_list_shows_review_state_and_reading_grade(client):
    make_article(slug="a", title="Needs review")
    sign_in_verified(client, make_user(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:pages_article_changelist")).content.decode()
    assert "Not reviewed" in html
    assert "reading grade (target 8 or lower)" in html.lower()
    filtered = client.get(reverse("admin:pages_article_changelist") + "?review=overdue")
    assert "Needs review" not in filtered.content.decode()


def test_admin_index_counts_unreviewed_and_overdue_published_articles(client):
    make_article(slug="a")
    make_article(slug="b")
    make_article(slug="c", status=Status.DRAFT)
    sign_in_verified(client, make_user(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:index")).content.decode()
    assert "Published, not reviewed" in html
    assert "<td>2</td>" in html


def test_admin_preview_renders_with_the_sanitiser(client):
    sign_in_verified(client, make_user(is_staff=True, is_superuser=True))
    url = reverse("admin:pages_article_preview")
    response = client.post(url, {"body": "## Hi\n\n<script>alert(1)</script>Text."})
    assert response.status_code == 200
    assert '<h2 id="hi">Hi</h2>' in response.json()["html"]
    assert "<script" not in response.json()["html"]
    assert client.get(url).status_code == 405


def test_admin_preview_is_staff_only(client):
    url = reverse("admin:pages_article_preview")
    response = client.post(url, {"body": "Hi"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_admin_history_lists_versions_and_offers_an_earlier_one_to_restore(client):
    article = make_article(body="The first wording.")
    article.body = "The second wording."
    article.save()
    sign_in_verified(client, make_user(is_staff=True, is_superuser=True))
    history = client.get(reverse("admin:pages_article_history", args=[article.pk]))
    assert history.status_code == 200
    first = article.history.earliest("history_date")
    url = reverse("admin:pages_article_simple_history", args=[article.pk, first.history_id])
    revert = client.get(url).content.decode()
    assert "The first wording." in revert
    assert "Revert" in revert


def test_admin_view_on_site_opens_the_article_on_this_site(client):
    article = make_article(status=Status.DRAFT)
    sign_in_verified(client, make_user(is_staff=True, is_superuser=True))
    html = client.get(reverse("admin:pages_article_change", args=[article.pk])).content.decode()
    assert 'href="/learn/test-article/" class="viewsitelink"' in html


def test_a_draft_is_not_shown_to_staff_who_have_typed_only_their_password(client):
    make_article(status=Status.DRAFT)
    client.force_login(make_user(is_staff=True, is_superuser=True))  # no second step yet
    assert client.get("/learn/test-article/").status_code == 404
