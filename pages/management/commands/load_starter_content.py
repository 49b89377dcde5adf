"""Load the starter content: the clinic profile and the starter articles.

Idempotent: creates what is missing and never overwrites what staff have changed. With
`--demo` (what `make run` uses), a profile nobody has filled in yet gets a fictional demo
clinic's name, phone and address, its empty parking, transport and costs texts are filled in, and
a clinic with no clinicians gets three labelled sample ones, so the local site looks complete; a
real install never does.

The starter articles are created as drafts awaiting a clinician's review; with `--demo` they go
live at once, each page saying "Not yet reviewed by a clinician".
"""

import datetime

from django.core.management.base import BaseCommand

from pages.models import Clinician, ClinicProfile
from pages.starter import create_articles, create_sample_team, missing, starter_articles

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
DEMO_NOTE = "(Sample text: the demo clinic is fictional.)"
# Each filled in only while empty. The costs text keeps to the facts in the content sheet and
# names no price: a real clinic writes its own.
DEMO_TEXTS = {
    "parking": "There is a parking garage under the building. Its entrance is on Example "
    f"Street. {DEMO_NOTE}",
    "transit": "Buses stop one block away, at Example Avenue and 12th. The nearest train "
    f"station is a ten-minute walk. {DEMO_NOTE}",
    "costs": """\
This page is a sample written for the demo clinic. A real clinic writes its own, with its prices.

## The first consultation is free

Your first talk with us costs nothing. It does not commit you to anything.

## Does insurance pay for ketamine?

Most insurance plans do not pay for ketamine infusions for mental health. This is because
that use is "off-label": the FDA has not approved ketamine for it.

Some parts of care, such as an assessment, are sometimes paid back. Ask your insurance plan,
and ask us.

Esketamine nasal spray (Spravato) is approved by the FDA. So plans pay for it more often,
usually after they agree to it first.

## Health savings and flexible spending accounts

You may be able to use a health savings account (HSA) or a flexible spending account (FSA) for
medical care. Check with your plan.

## Ask for a written price list

Before you start, ask us for a written list of prices. Then you know what a course of
treatment will cost before you begin.
""",
}
# Made up, and marked as samples: the team page labels each "Sample" and says the clinic is
# fictional. The names say "Example" so nobody mistakes them for real people.
DEMO_TEAM = [
    {
        "name": "Alex Example",
        "credentials": "MD",
        "role": "Medical director",
        "order": 10,
        "bio": "A sample entry. Here a clinic's medical director says what training they have "
        "and what part they play in each patient's care, in two or three plain sentences.",
    },
    {
        "name": "Jordan Example",
        "credentials": "PMHNP-BC",
        "role": "Psychiatric nurse practitioner",
        "order": 20,
        "bio": "A sample entry. Here the clinician who leads the free consultations says what "
        "they do, and what patients can ask them.",
    },
    {
        "name": "Sam Example",
        "credentials": "RN",
        "role": "Infusion nurse",
        "order": 30,
        "bio": "A sample entry. Here the nurse who stays with patients during their infusions "
        "introduces themselves.",
    },
]


class Command(BaseCommand):
    help = (
        "Create the clinic profile and starter articles that are missing. Never overwrites edits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report, change nothing.")
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Fill an empty clinic profile with a fictional demo clinic, and add sample "
            "clinicians to a clinic that has none (local use only).",
        )

    def handle(self, *args, dry_run=False, demo=False, **options):
        self.load_profile(dry_run, demo)
        if demo:
            self.load_sample_team(dry_run)
        self.load_articles(dry_run, demo)

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
            if demo:
                verb += self.fill_demo_texts(profile)
        self.stdout.write(self.style.SUCCESS(f"Clinic profile: {verb}."))

    def fill_demo_texts(self, profile) -> str:
        """Fill the profile's empty parking, transport and costs texts; say which."""
        empty = [field for field in DEMO_TEXTS if not getattr(profile, field).strip()]
        for field in empty:
            setattr(profile, field, DEMO_TEXTS[field])
        if not empty:
            return ""
        profile.save(update_fields=empty)
        return f", demo text added for {', '.join(empty)}"

    def load_sample_team(self, dry_run):
        if Clinician.objects.exists():
            self.stdout.write(self.style.SUCCESS("Sample team: kept the clinic's clinicians."))
            return
        if not dry_run:
            create_sample_team(DEMO_TEAM)
        verb = "would create" if dry_run else "created"
        self.stdout.write(self.style.SUCCESS(f"Sample team: {verb} {len(DEMO_TEAM)}."))

    def load_articles(self, dry_run, demo):
        """Create the missing starter articles: drafts awaiting review, or live in the demo."""
        articles = starter_articles()
        to_create = missing(articles)
        kept = len(articles) - len(to_create)
        for item in to_create:
            self.stdout.write(f"  {'would create' if dry_run else 'creating'}: {item.slug}")
        if not dry_run:
            create_articles(to_create, publish=demo)
        verb = "would create" if dry_run else "created"
        how = (
            "published, marked not yet reviewed by a clinician"
            if demo
            else "as drafts awaiting clinical review"
        )
        self.stdout.write(
            self.style.SUCCESS(f"Starter articles: {verb} {len(to_create)} ({how}), kept {kept}.")
        )
