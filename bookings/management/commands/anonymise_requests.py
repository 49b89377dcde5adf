"""Anonymise finished consultation requests older than RETENTION_DAYS.

A request keeps only its reference, the day it arrived, its status and when it was
anonymised (see services.anonymise_requests for everything cleared). Requests on legal hold
and open requests are never touched. Each run is recorded (admin: Retention runs).

The same run deletes the expired rows of every database cache (CACHE_URL=db://...). Among
them are the rate limiter's keyed hashes of visitors' addresses, needed only until their
window ends; PostgreSQL's cache table otherwise keeps expired rows until it is full.

Run it daily, e.g. from cron: `manage.py anonymise_requests`.
"""

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.management.base import BaseCommand
from django.db import connections, router
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
        deleted = delete_expired_cache_rows(now=now)
        self.stdout.write(f"Deleted {deleted} expired cache row(s), address hashes among them.")


def delete_expired_cache_rows(*, now) -> int:
    """Delete the expired rows of every database cache; return how many went.

    Django's DatabaseCache removes expired rows only when it reads them again or the table
    passes MAX_ENTRIES, so a rate-limit row from a window long over would otherwise stay.
    """
    deleted = 0
    for alias, config in settings.CACHES.items():
        cache = caches[alias]
        if not isinstance(cache, DatabaseCache):
            continue
        connection = connections[router.db_for_write(cache.cache_model_class)]
        table = connection.ops.quote_name(config["LOCATION"])
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [now])
            deleted += cursor.rowcount
    return deleted
