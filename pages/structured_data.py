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


def medical_web_page(article, version, clinic, canonical: str) -> dict:
    """Return the article's version as a MedicalWebPage.

    The review details come only from the approval behind that version (see pages/review.py).
    """
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": version.title,
        "headline": version.title,
        "description": article.meta_description or version.summary,
        "url": canonical,
        "inLanguage": "en-US",
        "datePublished": article.publish_at.date().isoformat(),
        "dateModified": (version.published_at or article.updated).date().isoformat(),
        "publisher": {"@type": "MedicalClinic", "name": clinic.name},
    }
    approval = version.approval
    if approval is not None:
        data["lastReviewed"] = approval.decided_at.date().isoformat()
        data["reviewedBy"] = {"@type": "Person", "name": approval.reviewer_name}
        if approval.reviewer_credentials:
            data["reviewedBy"]["honorificSuffix"] = approval.reviewer_credentials
        if approval.clinician and approval.clinician.role:
            data["reviewedBy"]["jobTitle"] = approval.clinician.role
    return data
