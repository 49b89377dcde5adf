"""The clinic's own clock: staff screens show times, and "today", where the clinic is."""

import datetime
import zoneinfo

from django.utils import timezone

from pages.models import ClinicProfile


def clinic_tz() -> zoneinfo.ZoneInfo:
    """Return the time zone the clinic set in its profile."""
    return ClinicProfile.objects.load().tz


def clinic_today() -> datetime.date:
    """Return today's date at the clinic (not on the server's or staff's clock)."""
    return timezone.localdate(timezone=clinic_tz())
