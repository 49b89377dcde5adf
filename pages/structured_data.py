"""Machine-readable descriptions of pages (schema.org JSON-LD), built from the database."""

import json

from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}
DAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def absolute(path: str) -> str:
    """Return the public address of a path on this site."""
    return settings.SITE_URL + path


def json_ld(data: dict) -> SafeString:
    """Return a JSON-LD script element; <, > and & are escaped so text cannot end it early."""
    text = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def medical_clinic(clinic) -> dict:
    """Return the clinic as a schema.org MedicalClinic."""
    return {
        "@context": "https://schema.org",
        "@type": "MedicalClinic",
        "name": clinic.name,
        "description": clinic.tagline,
        "url": absolute(reverse("pages:home")),
        "telephone": clinic.phone,
        "email": clinic.email,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": clinic.street_address,
            "addressLocality": clinic.city,
            "addressRegion": clinic.region,
            "postalCode": clinic.postal_code,
            "addressCountry": "US",
        },
        "openingHoursSpecification": {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": [DAY_NAMES[day] for day in clinic.open_weekdays],
            "opens": clinic.opens_at.strftime("%H:%M"),
            "closes": clinic.closes_at.strftime("%H:%M"),
        },
    }


def breadcrumbs(trail: list[tuple[str, str]]) -> dict:
    """Return a BreadcrumbList for (name, path) pairs, home first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": name, "item": absolute(path)}
            for index, (name, path) in enumerate(trail, start=1)
        ],
    }


def medical_web_page(article, clinic, canonical: str) -> dict:
    """Return the article as a MedicalWebPage; review details only once a clinician signed off."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": article.title,
        "headline": article.title,
        "description": article.meta_description or article.summary,
        "url": canonical,
        "inLanguage": "en-US",
        "datePublished": article.publish_at.date().isoformat(),
        "dateModified": article.updated.date().isoformat(),
        "publisher": {"@type": "MedicalClinic", "name": clinic.name},
    }
    if article.is_reviewed:
        data["lastReviewed"] = article.last_reviewed.isoformat()
        reviewer = article.reviewed_by
        data["reviewedBy"] = {"@type": "Person", "name": reviewer.name}
        if reviewer.credentials:
            data["reviewedBy"]["honorificSuffix"] = reviewer.credentials
        if reviewer.role:
            data["reviewedBy"]["jobTitle"] = reviewer.role
    return data
