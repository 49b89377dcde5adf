"""Remind patients of tomorrow's booked calls, as they allowed (email; text once set up).

Run it every hour, e.g. from cron: `manage.py send_call_reminders`. Each call is reminded
once, so running it again sends nothing twice. Texts go only when TEXT_MESSAGE_BACKEND names
a text provider's send function; until then the command says that none were sent.
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from bookings import reminders


class Command(BaseCommand):
    help = "Remind patients of tomorrow's booked calls (email, and text once set up)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the calls due a reminder; send nothing."
        )

    def handle(self, *, dry_run: bool, **options):
        now = timezone.now()
        due = list(reminders.calls_due(now=now))
        if dry_run:
            for booking in due:
                self.stdout.write(f"Would remind {booking.request.reference}")
            self.stdout.write(f"{len(due)} call(s) due a reminder (dry run: nothing sent).")
            return
        counts = {"email": 0, "text": 0}
        for booking in due:
            for kind in reminders.remind(booking=booking, now=now):
                counts[kind] += 1
        summary = f"{counts['email']} email(s), {counts['text']} text(s)"
        self.stdout.write(self.style.SUCCESS(f"Reminded {len(due)} call(s): {summary}."))
        if not settings.TEXT_MESSAGE_BACKEND:
            self.stdout.write("No texts: TEXT_MESSAGE_BACKEND is not set.")
