"""Content models: the clinic's identity (one row), and the articles."""

import datetime
import zoneinfo

from django.conf import settings
from django.core.cache import cache
from django.db import models

US_TIME_ZONES = [
    ("America/New_York", "Eastern"),
    ("America/Chicago", "Central"),
    ("America/Denver", "Mountain"),
    ("America/Phoenix", "Mountain (Arizona, no daylight saving)"),
    ("America/Los_Angeles", "Pacific"),
    ("America/Anchorage", "Alaska"),
    ("Pacific/Honolulu", "Hawaii"),
]


class OpenDays(models.TextChoices):
    MON_FRI = "mon-fri", "Monday to Friday"
    MON_SAT = "mon-sat", "Monday to Saturday"
    EVERY_DAY = "every-day", "Every day"


OPEN_WEEKDAYS = {
    OpenDays.MON_FRI: range(0, 5),
    OpenDays.MON_SAT: range(0, 6),
    OpenDays.EVERY_DAY: range(0, 7),
}


def default_crisis_number() -> str:
    return settings.CRISIS_LINE["crisis_number"]


def default_emergency_number() -> str:
    return settings.CRISIS_LINE["emergency_number"]


def default_crisis_message() -> str:
    line = settings.CRISIS_LINE
    return f"In crisis? Call or text {line['crisis_number']}, or call {line['emergency_number']}."


class ClinicProfileManager(models.Manager):
    CACHE_KEY = "clinic-profile:v1"

    def load(self) -> "ClinicProfile":
        """Return the clinic's profile, from the cache when possible, creating it if missing."""
        profile = cache.get(self.CACHE_KEY)
        if profile is None:
            profile, _ = self.get_or_create(pk=1)
            cache.set(self.CACHE_KEY, profile, timeout=None)
        return profile


class ClinicProfile(models.Model):
    """The clinic's name, contact details, hours and crisis wording: one row, edited by staff."""

    name = models.CharField(max_length=120, default="Harbor Light Ketamine Clinic")
    tagline = models.CharField(
        max_length=200,
        default="Ketamine therapy with care, safety and time to talk it through.",
        help_text="One short line shown under the clinic's name on the home page.",
    )
    phone = models.CharField(
        max_length=30,
        default="(555) 010-0142",
        help_text="The number patients should call, written the way it should appear.",
    )
    email = models.EmailField(default="hello@harborlight.example")
    street_address = models.CharField(max_length=200, default="1200 Example Avenue, Suite 300")
    city = models.CharField(max_length=100, default="Portland")
    region = models.CharField("state", max_length=2, default="OR")
    postal_code = models.CharField(max_length=10, default="97201")
    open_days = models.CharField(max_length=10, choices=OpenDays, default=OpenDays.MON_FRI)
    opens_at = models.TimeField(default=datetime.time(8, 30))
    closes_at = models.TimeField(default=datetime.time(17, 0))
    time_zone = models.CharField(
        max_length=40,
        choices=US_TIME_ZONES,
        default="America/Los_Angeles",
        help_text="The clinic's local time. Opening hours and callback times use it.",
    )
    crisis_message = models.CharField(
        max_length=200,
        default=default_crisis_message,
        help_text=(
            "Shown at the top of every page. Keep it short and keep both numbers in it: this "
            "site is not for emergencies."
        ),
    )
    crisis_number = models.CharField(max_length=20, default=default_crisis_number)
    emergency_number = models.CharField(max_length=20, default=default_emergency_number)
    updated = models.DateTimeField(auto_now=True)

    objects = ClinicProfileManager()

    class Meta:
        verbose_name = "clinic profile"
        verbose_name_plural = "clinic profile"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="clinic_profile_singleton"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)
        cache.delete(ClinicProfile.objects.CACHE_KEY)

    @property
    def phone_href(self) -> str:
        """Return the phone number as a tel: URI (digits and a leading + only)."""
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        if len(digits) == 10:
            digits = "1" + digits
        return f"tel:+{digits}"

    @property
    def hours_display(self) -> str:
        """Return the opening hours as one line, e.g. 'Monday to Friday, 8:30 am to 5 pm'."""
        return f"{self.get_open_days_display()}, {_time(self.opens_at)} to {_time(self.closes_at)}"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def open_weekdays(self) -> range:
        """Return the weekday numbers (Monday = 0) the clinic is open."""
        return OPEN_WEEKDAYS[self.open_days]

    @property
    def crisis_number_href(self) -> str:
        return "tel:" + "".join(ch for ch in self.crisis_number if ch.isdigit())

    @property
    def emergency_number_href(self) -> str:
        return "tel:" + "".join(ch for ch in self.emergency_number if ch.isdigit())

    @property
    def crisis_chat_url(self) -> str:
        return settings.CRISIS_LINE["crisis_chat_url"]


def _time(value: datetime.time) -> str:
    """Format a time the way people say it: '8:30 am', '5 pm'."""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}:{value.minute:02d} {suffix}" if value.minute else f"{hour} {suffix}"
