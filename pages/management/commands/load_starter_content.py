"""Load the starter content: the clinic profile and the starter articles.

Idempotent: creates what is missing and never overwrites what staff have changed. With
`--demo` (what `make run` uses), a profile nobody has filled in yet gets a fictional demo
clinic's name, phone and address, so the local site looks complete; a real install never does.
"""

import datetime

from django.core.management.base import BaseCommand

from pages.models import ClinicProfile
from pages.starter import create_articles, missing, starter_articles

# Fictional: 555-01xx numbers are reserved for fiction, and .example addresses never resolve.
DEMO_CLINIC = {
    "name": "Harbor Light Ketamine Clinic (demo)",
    "phone": "(555) 010-0142",
    "email": "hello@harborlight.example",
    "street_address": "1200 Example Avenue, Suite 300",
    "city": "Portland",
    "region": "OR",
    "postal_code": "97201",
    "opens_at": datetime.time(8, 30),
    "closes_at": datetime.time(17, 0),
}


class Command(BaseCommand):
    help = (
        "Create the clinic profile and starter articles that are missing. Never overwrites edits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report, change nothing.")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Fill an empty clinic profile with a fictional demo clinic (local use only).",
        )

    def handle(self, *args, dry_run=False, demo=False, **options):
        self.load_profile(dry_run, demo)
        self.load_articles(dry_run)

    def load_profile(self, dry_run, demo):
        exists = ClinicProfile.objects.filter(pk=1).exists()
        if dry_run:
            verb = "kept" if exists else "would create"
        else:
            profile = ClinicProfile.objects.load()
            verb = "kept" if exists else "created"
            if demo and not profile.is_filled_in:
                for field, value in DEMO_CLINIC.items():
                    setattr(profile, field, value)
                profile.save()
                verb += ", filled in with the fictional demo clinic"
        self.stdout.write(self.style.SUCCESS(f"Clinic profile: {verb}."))

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
