"""`manage.py load_demo_schedule`: let the demo clinic's patients pick a call time (local use only).

`make run` and `make serve` run it after `load_starter_content --demo`, so the consultation form
shows free times the way a clinic that switches scheduling on sees it. It adds one sample caller,
free Monday to Friday from 9 am to 5 pm in the clinic's time zone, and switches scheduling on,
but only on a site with no callers yet: once staff have set up their own (or removed the sample
and switched scheduling off), it changes nothing. The sample caller's login can never sign in.
A production install never runs it; there, scheduling starts switched off.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from bookings.models import Caller, CallHours, SchedulingSettings
from bookings.scheduling_models import Weekday

SAMPLE_USERNAME = "sample-caller"
SAMPLE_NAME = "Sample caller (demo)"
WEEKDAYS = (Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY)


class Command(BaseCommand):
    help = "Demo only: add a sample caller and switch self-scheduling on, unless callers exist."

    def handle(self, *args, **options):
        if Caller.objects.exists():
            self.stdout.write(self.style.SUCCESS("Demo scheduling: kept the clinic's callers."))
            return
        with transaction.atomic():
            user, _ = get_user_model().objects.get_or_create(
                username=SAMPLE_USERNAME, defaults={"is_active": False}
            )
            user.set_unusable_password()
            user.save()
            caller = Caller.objects.create(user=user, display_name=SAMPLE_NAME)
            CallHours.objects.bulk_create(
                CallHours(caller=caller, weekday=day, starts_at="09:00", ends_at="17:00")
                for day in WEEKDAYS
            )
            settings = SchedulingSettings.objects.load()
            settings.enabled = True
            settings.save()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo scheduling: switched on, with “{SAMPLE_NAME}” free Monday to Friday, "
                "9 am to 5 pm."
            )
        )
