"""Give each article that was on the site a live version, marked as not reviewed.

Before clinical sign-off, a review was two fields nobody tied to any text, so none of them can
be carried over as an approval of the words now on the page: each such article stays online,
says "Not yet reviewed by a clinician", and awaits a clinician's approval of its text.
The fingerprint is computed here as pages.models.content_fingerprint does (frozen copy).
"""

import hashlib
import json

from django.db import migrations
from django.utils import timezone


def _fingerprint(title, summary, body, faqs):
    content = {"title": title, "summary": summary, "body": body, "faqs": [list(f) for f in faqs]}
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def publish_existing(apps, schema_editor):
    Article = apps.get_model("pages", "Article")
    PublishedVersion = apps.get_model("pages", "PublishedVersion")
    now = timezone.now()
    for article in Article.objects.filter(status="published", live__isnull=True):
        faqs = [(f.question, f.answer) for f in article.faqs.order_by("order", "pk")]
        version = PublishedVersion.objects.create(
            article=article,
            title=article.title,
            summary=article.summary,
            body_html=article.body_html,
            body_text=article.body_text,
            toc=article.toc,
            faqs=[{"question": q, "answer": a} for q, a in faqs],
            faq_text="\n\n".join(f"{q}\n{a}" for q, a in faqs),
            word_count=article.word_count,
            fingerprint=_fingerprint(article.title, article.summary, article.body, faqs),
            kind="not-reviewed",
            created=now,
            published_at=now,
        )
        Article.objects.filter(pk=article.pk).update(live=version)


def take_live_versions_away(apps, schema_editor):
    apps.get_model("pages", "Article").objects.update(live=None)
    apps.get_model("pages", "PublishedVersion").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("pages", "0009_clinical_signoff")]

    operations = [migrations.RunPython(publish_existing, take_live_versions_away)]
