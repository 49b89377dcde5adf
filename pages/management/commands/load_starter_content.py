"""Load the starter content: the clinic profile and the starter articles.

Idempotent: creates what is missing and never overwrites what staff have changed.
"""

from django.core.management.base import BaseCommand

from pages.models import ClinicProfile
from pages.starter import create_articles, missing, starter_articles


class Command(BaseCommand):
    help = (
        "Create the clinic profile and starter articles that are missing. Never overwrites edits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report, change nothing.")

    def handle(self, *args, dry_run=False, **options):
        exists = ClinicProfile.objects.filter(pk=1).exists()
        if not exists and not dry_run:
            ClinicProfile.objects.load()
        verb = "kept" if exists else ("would create" if dry_run else "created")
        self.stdout.write(self.style.SUCCESS(f"Clinic profile: {verb}."))
        self.load_articles(dry_run)

    def load_articles(self, dry_run):
        articles = starter_articles()
        to_create = missing(articles)
        kept = len(articles) - len(to_create)
        for item in to_create:
            self.stdout.write(f"  {'would create' if dry_run else 'creating'}: {item.slug}")
        if not dry_run:
            create_articles(to_create)
        verb = "would create" if dry_run else "created"
        self.stdout.write(
            self.style.SUCCESS(f"Starter articles: {verb} {len(to_create)}, kept {kept}.")
        )
