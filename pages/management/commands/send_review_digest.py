"""Email the weekly review digest: which live articles are due or overdue for clinical review.

Each responsible person (whoever published the live version, or every editor when nobody did,
as with the starter library) gets one email listing their articles; articles overdue by more
than REVIEW_ESCALATION_DAYS also go to the medical director (MEDICAL_DIRECTOR_EMAIL). Run it
once a week from cron or a systemd timer (see the README). Running it twice sends twice.
"""

import smtplib
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from pages.review import articles_needing_review


class Command(BaseCommand):
    help = "Email each responsible person the articles due or overdue for clinical review."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say who would be told what; send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        today = timezone.localdate()
        articles = list(
            articles_needing_review(today=today, due_within_days=settings.REVIEW_DUE_SOON_DAYS)
        )
        if not articles:
            self.stdout.write(self.style.SUCCESS("No article is due for review."))
            return
        emails = self.digests(articles, today) + self.escalation(articles, today)
        for email, count in emails:
            verb = "Would send" if dry_run else "Sending"
            self.stdout.write(
                f"{verb} to {', '.join(email.to)}: {email.subject} ({count} articles)"
            )
        if not dry_run:
            self.send([email for email, _ in emails])
        self.stdout.write(self.style.SUCCESS(f"{len(articles)} articles need review."))

    def digests(self, articles, today) -> list[tuple[EmailMessage, int]]:
        """Return one digest per responsible person."""
        by_person = defaultdict(list)
        editors = _editor_emails()
        for article in articles:
            publisher = article.live.published_by
            usable = publisher and publisher.is_active and publisher.email
            for email in [publisher.email] if usable else editors:
                by_person[email].append(article)
        return [
            _email(email, "Articles due for clinical review", items, today)
            for email, items in sorted(by_person.items())
        ]

    def escalation(self, articles, today) -> list[tuple[EmailMessage, int]]:
        """Return the medical director's email about long-overdue reviews, if any."""
        grace = settings.REVIEW_ESCALATION_DAYS
        late = [
            article
            for article in articles
            if article.live.approval
            and (today - article.live.approval.next_review_due).days > grace
        ]
        if not late:
            return []
        if not settings.MEDICAL_DIRECTOR_EMAIL:
            self.stderr.write(
                self.style.WARNING(
                    f"{len(late)} articles are overdue by more than {grace} days, and "
                    "MEDICAL_DIRECTOR_EMAIL is not set: nobody was told."
                )
            )
            return []
        subject = f"Overdue by more than {grace} days: clinical reviews"
        return [_email(settings.MEDICAL_DIRECTOR_EMAIL, subject, late, today)]

    def send(self, emails):
        for email in emails:
            try:
                email.send()
            except (smtplib.SMTPException, OSError) as error:
                raise CommandError(
                    f"Could not send the digest to {', '.join(email.to)} ({type(error).__name__})"
                ) from error


def _editor_emails() -> list[str]:
    """Return the emails of the active staff who may edit articles (through their groups)."""
    can_edit = Q(
        groups__permissions__codename="change_article",
        groups__permissions__content_type__app_label="pages",
    )
    users = get_user_model().objects.filter(can_edit, is_active=True, is_staff=True)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def _email(to: str, subject: str, articles, today) -> tuple[EmailMessage, int]:
    """Return the email listing the articles, and how many it lists."""
    items = [
        {
            "article": article,
            "approval": article.live.approval,
            "url": settings.SITE_URL + reverse("admin:pages_article_signoff", args=[article.pk]),
        }
        for article in articles
    ]
    body = render_to_string("pages/emails/review_digest.txt", {"items": items, "today": today})
    return EmailMessage(subject=subject, body=body, to=[to]), len(items)
