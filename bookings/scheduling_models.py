"""Self-scheduled consultation calls: who takes them, when, and the calls booked.

Imported by bookings/models.py, so these are the bookings app's models like the others.
"""

import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeOperators
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class SchedulingSettingsManager(models.Manager):
    def load(self) -> "SchedulingSettings":
        """Return the scheduling settings, creating the default (switched off) row if none."""
        found, _ = self.get_or_create(pk=1)
        return found


class SchedulingSettings(models.Model):
    """Whether patients may pick a call time online, and how the times are laid out: one row."""

    enabled = models.BooleanField(
        "patients can pick a time online",
        default=False,
        help_text="Off: the form only asks how to reach them and the front desk calls back, "
        "as before. On: they can pick a free time, or still ask for a call back.",
    )
    call_minutes = models.PositiveSmallIntegerField(
        "call length (minutes)",
        default=15,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        "break after each call (minutes)",
        default=5,
        validators=[MaxValueValidator(120)],
        help_text="Time kept free after each call for notes.",
    )
    notice_hours = models.PositiveSmallIntegerField(
        "minimum notice (hours)",
        default=2,
        validators=[MaxValueValidator(24 * 7)],
        help_text="Nobody can book a call sooner than this. They can still ask for a call back.",
    )
    horizon_days = models.PositiveSmallIntegerField(
        "days ahead",
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="How many days ahead, today included, patients can pick a time.",
    )

    objects = SchedulingSettingsManager()

    class Meta:
        verbose_name = "scheduling settings"
        verbose_name_plural = "scheduling settings"
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="scheduling_settings_singleton"),
        ]

    def __str__(self):
        return "Scheduling settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)


class Caller(models.Model):
    """A staff member who takes consultation calls."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="caller"
    )
    display_name = models.CharField(
        max_length=60, help_text="How staff see them on the agenda. Patients never see it."
    )
    active = models.BooleanField(
        default=True, help_text="Untick to stop offering their times (their booked calls stay)."
    )

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name


class Weekday(models.IntegerChoices):
    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


class CallHours(models.Model):
    """A caller's hours for calls on one weekday, in the clinic's time zone."""

    caller = models.ForeignKey(Caller, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    starts_at = models.TimeField("from")
    ends_at = models.TimeField("to", help_text="The last call ends by this time.")

    class Meta:
        verbose_name = "weekly hours"
        verbose_name_plural = "weekly hours"
        ordering = ["weekday", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="call_hours_end_after_start",
                violation_error_message="The end must be later than the start, on the same day.",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts_at:%H:%M}-{self.ends_at:%H:%M}"


class TimeOff(models.Model):
    """A time no calls are booked: one caller's time off, or the whole clinic closed."""

    caller = models.ForeignKey(
        Caller,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="time_off",
        help_text="Leave empty when the whole clinic is closed (a holiday, training day).",
    )
    starts = models.DateTimeField()
    ends = models.DateTimeField()
    reason = models.CharField(max_length=100, blank=True, help_text="Staff only.")

    class Meta:
        verbose_name = "time off or closure"
        verbose_name_plural = "time off and closures"
        ordering = ["starts"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")),
                name="time_off_ends_after_start",
                violation_error_message="The end must be later than the start.",
            ),
        ]

    def __str__(self):
        who = self.caller or "Whole clinic"
        return f"{who}: {timezone.localtime(self.starts):%Y-%m-%d %H:%M}"


class CallStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"


class CallBookingQuerySet(models.QuerySet):
    def booked(self):
        """Return the calls still going ahead (they hold their caller's time)."""
        return self.filter(status=CallStatus.BOOKED)

    def starting_on(self, first: datetime.date, *, days: int = 1, tz: datetime.tzinfo):
        """Return the calls starting on `first` (and the `days` - 1 after it) in the zone `tz`."""
        start = datetime.datetime.combine(first, datetime.time(), tzinfo=tz)
        end = datetime.datetime.combine(first + datetime.timedelta(days=days), datetime.time(), tz)
        return self.filter(during__startswith__gte=start, during__startswith__lt=end)


class CallBooking(models.Model):
    """A consultation call a patient (or the front desk for them) booked at a set time.

    `blocked` is the call plus the break after it. The database refuses two booked calls whose
    blocked times overlap for the same caller, whatever the code above it does.
    """

    request = models.OneToOneField(
        "bookings.ConsultationRequest", on_delete=models.CASCADE, related_name="call"
    )
    caller = models.ForeignKey(Caller, on_delete=models.PROTECT, related_name="calls")
    during = DateTimeRangeField(help_text="When the call is.")
    blocked = DateTimeRangeField(editable=False, help_text="The call and the break after it.")
    status = models.CharField(max_length=10, choices=CallStatus, default=CallStatus.BOOKED)
    uid = models.UUIDField(
        "calendar id",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="The calendar file's UID: the same for every change to this call.",
    )
    sequence = models.PositiveIntegerField(
        default=0, editable=False, help_text="Rises on each change, so calendars update."
    )
    manage_key = models.CharField(
        max_length=32, unique=True, editable=False, help_text="Finds the call from its manage link."
    )
    reminded_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the day-before reminder went."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = CallBookingQuerySet.as_manager()

    class Meta:
        verbose_name = "booked call"
        ordering = ["during"]
        constraints = [
            ExclusionConstraint(
                name="call_no_double_booking",
                expressions=[
                    ("caller", RangeOperators.EQUAL),
                    ("blocked", RangeOperators.OVERLAPS),
                ],
                condition=models.Q(status=CallStatus.BOOKED),
                violation_error_message="That time was just taken.",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=CallStatus.values), name="call_status_valid"
            ),
        ]

    def __str__(self):
        return f"Call at {timezone.localtime(self.starts):%Y-%m-%d %H:%M}"

    @property
    def starts(self) -> datetime.datetime:
        return self.during.lower

    @property
    def ends(self) -> datetime.datetime:
        return self.during.upper
