"""Review links: an outside clinician reads an article's draft and decides, without a login.

Each link is for one named reviewer. Its secret is a random token from `secrets`; only its
sha256 is stored, so the database alone cannot open a link, and the token is sent straight to
the reviewer by email from the request that made it (not through the task queue, whose rows
would hold it). It travels in the query string (`/review/?key=…`), which the site's request log
never records. A link expires after REVIEW_LINK_DAYS, can be withdrawn, works for one decision,
and opens nothing but that article's draft; every opening is recorded.
"""

import datetime
import hashlib
import secrets
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import Article, ClinicalReview, ClinicProfile, ReviewLink, ReviewLinkVisit
from .review import SignOffRefused, record_decision


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def review_url(token: str) -> str:
    """Return the public address a reviewer opens, with the link's secret."""
    return f"{settings.SITE_URL}{reverse('pages:review')}?key={token}"


def send_review_link(*, article: Article, user, name: str, credentials: str, email: str):
    """Create a review link for one reviewer and email it to them; return the link.

    If the mail server refuses, the link is not kept and SignOffRefused says so.
    """
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        link = ReviewLink.objects.create(
            article=article,
            reviewer_name=name,
            reviewer_credentials=credentials,
            reviewer_email=email,
            token_hash=_hash(token),
            created_by=user,
            created_at=now,
            expires_at=now + datetime.timedelta(days=settings.REVIEW_LINK_DAYS),
        )
        try:
            _review_request_email(link, token).send()
        except (smtplib.SMTPException, OSError) as error:
            transaction.set_rollback(True)
            raise SignOffRefused(
                "The email could not be sent, so no link was made. Please try again in a few "
                "minutes."
            ) from error
    return link


def _review_request_email(link: ReviewLink, token: str) -> EmailMessage:
    context = {
        "link": link,
        "url": review_url(token),
        "clinic": ClinicProfile.objects.load(),
        "days": settings.REVIEW_LINK_DAYS,
    }
    return EmailMessage(
        subject=f"Please review an article for {context['clinic'].name}",
        body=render_to_string("pages/emails/review_request.txt", context),
        to=[link.reviewer_email],
    )


def find_link(token: str) -> ReviewLink | None:
    """Return the link this token opens, whatever its state, or None for an unknown token."""
    if not token or len(token) > 100:
        return None
    return ReviewLink.objects.select_related("article").filter(token_hash=_hash(token)).first()


def record_visit(link: ReviewLink, action: str) -> None:
    """Record one opening of the link, or a decision sent through it."""
    ReviewLinkVisit.objects.create(link=link, action=action)


def revoke(link: ReviewLink) -> None:
    """Withdraw a link: from now on it shows only that it no longer works."""
    ReviewLink.objects.filter(pk=link.pk, revoked_at=None).update(revoked_at=timezone.now())


@transaction.atomic
def decide_by_link(
    *, link: ReviewLink, decision: str, comment: str, fingerprint: str
) -> ClinicalReview:
    """Record the outside reviewer's decision; the link is used up by it."""
    link = ReviewLink.objects.select_for_update().get(pk=link.pk)
    if link.state != "open":
        raise SignOffRefused("This review link no longer works.")
    review = record_decision(
        article=link.article,
        fingerprint=fingerprint,
        decision=decision,
        comment=comment,
        reviewer_name=link.reviewer_name,
        reviewer_credentials=link.reviewer_credentials,
        review_link=link,
    )
    link.used_at = review.decided_at
    link.save(update_fields=["used_at"])
    record_visit(link, ReviewLinkVisit.Action.DECIDED)
    return review
