"""Anonymise finished consultation requests older than RETENTION_DAYS.

Names, contact details, the message, what they ticked and internal notes are wiped; the
reference, dates and status stay, so the clinic can still count its requests. Requests on
legal hold and open requests are never touched. Each run is recorded (admin: Retention runs).
Run it daily, e.g. from cron: `manage.py anonymise_requests`.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings import services


class Command(BaseCommand):
    help = "Anonymise finished consultation requests older than RETENTION_DAYS (see --dry-run)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be anonymised; change nothing."
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Override RETENTION_DAYS (now {settings.RETENTION_DAYS}).",
        )

    def handle(self, *, dry_run: bool, days: int | None, **options):
        days = settings.RETENTION_DAYS if days is None else days
        now = timezone.now()
        if dry_run:
            due = services.requests_due_for_anonymising(now=now, days=days)
            references = [r.reference for r in due]
            self.stdout.write(f"Dry run: would anonymise {len(references)} request(s).")
            for reference in references:
                self.stdout.write(f"  {reference}")
            return
        run = services.anonymise_requests(now=now, days=days)
        self.stdout.write(
            self.style.SUCCESS(
                f"Anonymised {run.anonymised_count} request(s) older than {days} days."
            )
        )
