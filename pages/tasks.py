"""Emails about clinical sign-off, sent by the worker (`manage.py db_worker`).

Task arguments are ids only. No patient data is involved here: these emails are about the
clinic's own articles.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from .models import ClinicalReview


@task()
def notify_editors_of_decision(review_id: int) -> str:
    """Tell the staff who wrote the draft (and who asked for the review) what was decided."""
    review = ClinicalReview.objects.select_related("article", "review_link").get(pk=review_id)
    user_ids = review.article.draft_editor_ids()
    if review.review_link is not None:
        user_ids.add(review.review_link.created_by_id)
    user_ids.discard(review.decided_by_id)
    to = list(
        get_user_model()
        .objects.filter(pk__in=user_ids, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not to:
        return "nobody to tell"
    EmailMessage(
        subject=f"{review.get_decision_display()}: {review.article.title}",
        body=render_to_string(
            "pages/emails/review_decision.txt", {"review": review, "url": sign_off_url(review)}
        ),
        to=to,
    ).send()
    return "sent"


def sign_off_url(review) -> str:
    """Return the address of the article's sign-off page in the admin."""
    path = reverse("admin:pages_article_signoff", args=[review.article_id])
    return settings.SITE_URL + path
