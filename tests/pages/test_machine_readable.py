"""Sitemap, canonical links, social cards and JSON-LD: all built from the data."""

import datetime
import json
import re

import pytest

from pages.models import ClinicProfile, Status
from pages.review import publish_draft
from tests.factories import make_approval, make_article, make_clinician

pytestmark = pytest.mark.django_db


def json_ld_blocks(html: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def by_type(html: str, kind: str) -> dict:
    return next(block for block in json_ld_blocks(html) if block["@type"] == kind)


def test_sitemap_lists_published_articles_with_lastmod_and_static_pages(client):
    make_article(slug="live")
    make_article(slug="hidden", status=Status.DRAFT)
    make_article(slug="elsewhere", canonical_url="https://example.org/main-copy/")
    body = client.get("/sitemap.xml").content.decode()
    assert "/learn/live/</loc>" in body
    assert "/learn/hidden/" not in body
    assert "/learn/elsewhere/" not in body
    assert "<lastmod>" in body
    assert "/conditions/</loc>" in body
    assert "/admin" not in body


def test_sitemap_addresses_are_the_clinics_own_not_example_com(client, settings):
    settings.SITE_URL = "https://www.bayside-clinic.example"
    make_article(slug="live")
    body = client.get("/sitemap.xml").content.decode()
    assert "<loc>https://www.bayside-clinic.example/learn/live/</loc>" in body
    assert "example.com" not in body


def test_unreviewed_article_json_ld_has_no_reviewer(client):
    make_article(title='Quotes " and </script> inside')
    html = client.get("/learn/test-article/").content.decode()
    page = by_type(html, "MedicalWebPage")
    assert page["name"] == 'Quotes " and </script> inside'
    assert "reviewedBy" not in page
    assert "lastReviewed" not in page
    crumbs = by_type(html, "BreadcrumbList")
    assert [item["name"] for item in crumbs["itemListElement"]][:2] == ["Home", "Learn"]


def test_reviewed_article_json_ld_names_the_reviewer_of_the_live_version(client):
    article = make_article(status=Status.DRAFT)
    clinician = make_clinician(name="Ana Lopez", credentials="MD")
    make_approval(
        article,
        clinician=clinician,
        decided_at=datetime.datetime(2026, 2, 1, 12, tzinfo=datetime.UTC),
    )
    publish_draft(article=article, user=None)
    page = by_type(client.get("/learn/test-article/").content.decode(), "MedicalWebPage")
    assert page["lastReviewed"] == "2026-02-01"
    assert page["reviewedBy"]["name"] == "Ana Lopez"
    assert page["reviewedBy"]["honorificSuffix"] == "MD"


def test_canonical_description_and_social_cards_come_from_the_article(client, settings):
    make_article(summary="Short summary.", meta_description="")
    html = client.get("/learn/test-article/").content.decode()
    assert f'<link rel="canonical" href="{settings.SITE_URL}/learn/test-article/">' in html
    assert '<meta name="description" content="Short summary.">' in html
    assert '<meta property="og:title" content="Test article">' in html
    assert '<meta name="twitter:card" content="summary">' in html


def test_overrides_win(client):
    make_article(
        seo_title="Search title",
        meta_description="Own description.",
        canonical_url="https://example.org/main-copy/",
    )
    html = client.get("/learn/test-article/").content.decode()
    assert "<title>Search title |" in html
    assert '<meta name="description" content="Own description.">' in html
    assert '<link rel="canonical" href="https://example.org/main-copy/">' in html


def test_home_page_describes_the_clinic_from_its_profile(client):
    profile = ClinicProfile.objects.load()
    profile.name = "Quiet <Harbor> & Co"
    profile.phone = "(555) 010-7777"
    profile.save()
    html = client.get("/").content.decode()
    assert "Quiet <Harbor>" not in html.split("application/ld+json")[1]
    clinic = by_type(html, "MedicalClinic")
    assert clinic["name"] == "Quiet <Harbor> & Co"
    assert clinic["telephone"] == "(555) 010-7777"
    assert clinic["address"]["addressRegion"] == profile.region
    assert clinic["openingHoursSpecification"]["dayOfWeek"][0] == "Monday"


def test_article_picture_is_shared_with_its_description(client, settings):
    make_article(hero_image="articles/calm-room.png", hero_image_alt="A quiet treatment room")
    html = client.get("/learn/test-article/").content.decode()
    assert f'content="{settings.SITE_URL}/media/articles/calm-room.png"' in html
    assert 'alt="A quiet treatment room"' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
