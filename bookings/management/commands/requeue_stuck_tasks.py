"""Put notification tasks that a crashed worker left "running" back in the queue.

A worker that dies mid-task (the database restarted under it, the machine rebooted, SIGKILL)
leaves that task marked RUNNING for ever, and no other worker picks it up: its email would
never be sent. Run this before starting the worker (systemd ExecStartPre, see the README).
With a single worker `--older-than 0` is safe; with several, use a value longer than any task
takes (the default, 300 s), so a task another worker is still running is left alone.
A requeued email may, rarely, be sent twice (if the crash came after the send): a duplicate
notice is better than a lost one.
"""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = "Requeue background tasks left RUNNING by a worker that crashed (see --dry-run)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=300,
            help="Only tasks started at least this many seconds ago (default 300).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the stuck tasks; change nothing."
        )

    def handle(self, *, older_than: int, dry_run: bool, **options):
        cutoff = timezone.now() - datetime.timedelta(seconds=older_than)
        stuck = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lte=cutoff)
        if dry_run:
            self.stdout.write(f"Dry run: {stuck.count()} stuck task(s) would be requeued.")
            return
        count = stuck.update(status=TaskResultStatus.READY, started_at=None)
        self.stdout.write(self.style.SUCCESS(f"Requeued {count} stuck task(s)."))
