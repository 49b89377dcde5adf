"""Content models: the clinic's identity (one row), and the articles."""

import datetime
import warnings
import zoneinfo

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.db import models
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clinic_site.phones import as_e164

from .rendering import render_markdown

with warnings.catch_warnings():
    # textstat 0.7.4 imports pkg_resources, which warns on import; setuptools is pinned below 81.
    warnings.simplefilter("ignore", UserWarning)
    import textstat

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


# The national crisis lines, the starting values of the clinic profile's crisis fields.
CRISIS_NUMBER = "988"
CRISIS_NAME = "988 Suicide & Crisis Lifeline"
CRISIS_CHAT_URL = "https://988lifeline.org/chat/"
EMERGENCY_NUMBER = "911"

# The profile the last successful `load()` in this process returned: the error pages show it
# when the database cannot be read, rather than a profile with no phone number at all.
_last_loaded: "ClinicProfile | None" = None


def validate_phone_number(value: str) -> None:
    """Refuse a clinic phone number that a phone could not dial (it becomes a tel: link)."""
    if not as_e164(value):
        raise ValidationError(
            "Enter a phone number patients can call, with the area code, like (503) 555-0100."
        )


class ClinicProfileManager(models.Manager):
    def load(self) -> "ClinicProfile":
        """Return the clinic's profile, creating an empty one if staff have not saved it yet."""
        global _last_loaded
        profile, _ = self.get_or_create(pk=1)
        _last_loaded = profile
        return profile

    def last_loaded(self) -> "ClinicProfile":
        """Return the profile as this process last read it (for pages shown in an outage).

        A process that has never read it gets an unsaved profile: the crisis lines, and no
        clinic phone number rather than a made-up one.
        """
        return _last_loaded if _last_loaded is not None else self.model()


class ClinicProfile(models.Model):
    """The clinic's name, contact details, hours and crisis lines: one row, edited by staff.

    A new install starts with the crisis lines filled in and the clinic's own details empty;
    the admin home asks staff to fill them in. `load_starter_content --demo` (run by
    `make run`) fills in a fictional demo clinic instead.
    """

    name = models.CharField(
        max_length=120,
        default="Ketamine therapy clinic",
        help_text="The clinic's name as patients know it.",
    )
    tagline = models.CharField(
        max_length=200,
        default="Ketamine therapy with care, safety and time to talk it through.",
        help_text="One short line shown under the clinic's name on the home page.",
    )
    phone = models.CharField(
        max_length=30,
        blank=True,
        validators=[validate_phone_number],
        help_text="The number patients should call, written the way it should appear, "
        "for example (503) 555-0100.",
    )
    email = models.EmailField(blank=True)
    street_address = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField("state", max_length=2, blank=True)
    postal_code = models.CharField(max_length=10, blank=True)
    open_days = models.CharField(max_length=10, choices=OpenDays, default=OpenDays.MON_FRI)
    opens_at = models.TimeField(default=datetime.time(9, 0))
    closes_at = models.TimeField(default=datetime.time(17, 0))
    time_zone = models.CharField(
        max_length=40,
        choices=US_TIME_ZONES,
        default="America/Los_Angeles",
        help_text="The clinic's local time. Opening hours and callback times use it.",
    )
    parking = models.TextField(
        "parking", blank=True, help_text="Where to park, in a sentence or two. Shown on “Visit us”."
    )
    transit = models.TextField(
        "public transport",
        blank=True,
        help_text="The nearest bus or train stops, in a sentence or two. Shown on “Visit us”.",
    )
    costs = models.TextField(
        "costs page",
        blank=True,
        help_text="What care costs and how paying works, in Markdown like the articles. "
        "Left empty, the site has no costs page.",
    )
    crisis_message = models.CharField(
        max_length=200,
        default="In crisis or thinking about suicide? Help is there day and night.",
        help_text=(
            "Shown before the crisis numbers at the top of every page. The numbers and the chat "
            "link below are added after it: do not type them here. This site is not for "
            "emergencies."
        ),
    )
    crisis_number = models.CharField(
        max_length=20, default=CRISIS_NUMBER, help_text="Call or text, day and night."
    )
    crisis_name = models.CharField("crisis line name", max_length=100, default=CRISIS_NAME)
    crisis_chat_url = models.URLField("crisis line chat address", default=CRISIS_CHAT_URL)
    emergency_number = models.CharField(max_length=20, default=EMERGENCY_NUMBER)
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

    @property
    def is_filled_in(self) -> bool:
        """Return whether staff have entered the clinic's phone number and address."""
        return all((self.phone, self.street_address, self.city, self.region, self.postal_code))

    @property
    def phone_href(self) -> str:
        """Return the phone number as a tel: URI (digits and a leading + only)."""
        digits = "".join(ch for ch in self.phone if ch.isdigit())
        if not digits:
            return ""
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
    def crisis_text_href(self) -> str:
        return "sms:" + "".join(ch for ch in self.crisis_number if ch.isdigit())

    @property
    def emergency_number_href(self) -> str:
        return "tel:" + "".join(ch for ch in self.emergency_number if ch.isdigit())


def _time(value: datetime.time) -> str:
    """Format a time the way people say it: '8:30 am', '5 pm'."""
    hour = value.hour % 12 or 12
    suffix = "am" if value.hour < 12 else "pm"
    return f"{hour}:{value.minute:02d} {suffix}" if value.minute else f"{hour} {suffix}"


# Articles ---------------------------------------------------------------------------------------

READING_WORDS_PER_MINUTE = 200
TARGET_READING_GRADE = 8
# PostgreSQL's text search configuration: the stored search vectors and the searches use it.
SEARCH_CONFIG = "english"


class Topic(models.TextChoices):
    ABOUT = "about", "About the treatment"
    WHAT_TO_EXPECT = "what-to-expect", "What to expect"
    SAFETY = "safety", "Safety"
    CONDITIONS = "conditions", "Conditions"
    PRACTICAL = "practical", "Practical questions"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class ReviewState(models.TextChoices):
    NOT_REVIEWED = "not-reviewed", "Not reviewed"
    CURRENT = "current", "Current"
    OVERDUE = "overdue", "Review overdue"


class Clinician(models.Model):
    """A member of the clinical team who can sign off articles."""

    name = models.CharField(max_length=120)
    credentials = models.CharField(
        max_length=60, blank=True, help_text="Letters after the name, for example MD or PMHNP-BC."
    )
    role = models.CharField(max_length=120, help_text="For example: Medical director.")
    bio = models.TextField(blank=True, help_text="Two or three plain sentences.")
    photo = models.FileField(
        upload_to="team/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
        help_text="Optional portrait for the “Our team” page (JPEG, PNG or WebP, square).",
    )
    on_team_page = models.BooleanField(
        "show on “Our team”",
        default=True,
        help_text="Untick for an outside reviewer who is not part of the clinic's team.",
    )
    is_sample = models.BooleanField(
        default=False,
        editable=False,
        help_text="A made-up entry of the demo clinic: the team page labels it “Sample”.",
    )
    order = models.PositiveSmallIntegerField(
        default=100, help_text="Smaller numbers come first on the team page."
    )

    class Meta:
        ordering = ["order", "name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}" if self.credentials else self.name


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Return the articles the public may see: published, with a publish date reached."""
        return self.filter(status=Status.PUBLISHED, publish_at__lte=timezone.now())

    def in_review_state(self, state: str):
        """Return the articles whose clinical review is in `state` (a ReviewState value)."""
        reviewed = models.Q(reviewed_by__isnull=False, last_reviewed__isnull=False)
        today = timezone.localdate()
        if state == ReviewState.NOT_REVIEWED:
            return self.exclude(reviewed)
        overdue = models.Q(next_review_due__lt=today)
        if state == ReviewState.OVERDUE:
            return self.filter(reviewed & overdue)
        return self.filter(reviewed).exclude(overdue)


class Article(models.Model):
    """A patient-education article, written in Markdown and signed off by a clinician."""

    title = models.CharField(max_length=150)
    slug = models.SlugField(
        max_length=120,
        unique=True,
        help_text="The last part of the page address. Changing it later keeps the old address "
        "working.",
    )
    topic = models.CharField(max_length=20, choices=Topic, default=Topic.ABOUT)
    order = models.PositiveSmallIntegerField(
        default=100, help_text="Smaller numbers come first within a topic."
    )
    summary = models.CharField(
        max_length=300,
        help_text="One or two sentences shown in lists and search results, and to search engines.",
    )
    body = models.TextField(
        help_text="Markdown: start headings with ## (or ### for a sub-heading), lists with -, "
        "links as [words](address). Aim for short sentences and a reading grade of 8 or lower."
    )
    body_html = models.TextField(editable=False, default="")
    body_text = models.TextField(editable=False, default="")
    toc = models.JSONField(editable=False, default=list)
    word_count = models.PositiveIntegerField(editable=False, default=0)
    reading_grade = models.FloatField(editable=False, default=0)
    hero_image = models.FileField(
        upload_to="articles/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
        help_text="Optional picture shown above the article (JPEG, PNG or WebP).",
    )
    hero_image_alt = models.CharField(
        "image description",
        max_length=200,
        blank=True,
        help_text="Describe the picture for people who cannot see it. Required with a picture.",
    )
    related = models.ManyToManyField("self", blank=True, symmetrical=False)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "publish date",
        default=timezone.now,
        help_text="A published article appears on the site from this moment.",
    )
    reviewed_by = models.ForeignKey(
        Clinician, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_reviewed = models.DateField(null=True, blank=True)
    next_review_due = models.DateField(
        null=True, blank=True, help_text="Left empty, it is set to 12 months after the review."
    )
    seo_title = models.CharField(
        "title for search engines",
        max_length=70,
        blank=True,
        help_text="Leave empty to use the title.",
    )
    meta_description = models.CharField(
        max_length=300, blank=True, help_text="Leave empty to use the summary."
    )
    canonical_url = models.URLField(
        "canonical address",
        blank=True,
        help_text="Only if this article's main copy lives at another address.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body_text", weight="C", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["search_vector"])

    class Meta:
        ordering = ["topic", "order", "title"]
        indexes = [
            GinIndex(fields=["search_vector"], name="article_search_idx"),
            models.Index(fields=["status", "publish_at"], name="article_published_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hero_image="") | ~models.Q(hero_image_alt=""),
                name="article_image_needs_alt",
                violation_error_message="Describe the picture for people who cannot see it.",
            ),
            models.CheckConstraint(
                condition=~models.Q(slug="search"),
                name="article_slug_not_search",
                violation_error_message="“search” is the search page's address: pick another.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        rendered = render_markdown(self.body)
        self.body_html, self.toc, self.body_text = rendered.html, rendered.toc, rendered.text
        self.word_count = len(rendered.text.split())
        self.reading_grade = reading_grade(rendered.sentences_text)
        if self.last_reviewed and not self.next_review_due:
            self.next_review_due = self.last_reviewed + datetime.timedelta(days=365)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pages:article_detail", args=[self.slug])

    @property
    def is_live(self) -> bool:
        return self.status == Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.word_count / READING_WORDS_PER_MINUTE))

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_by_id is not None and self.last_reviewed is not None

    @property
    def review_state(self) -> str:
        if not self.is_reviewed:
            return ReviewState.NOT_REVIEWED
        if self.next_review_due and self.next_review_due < timezone.localdate():
            return ReviewState.OVERDUE
        return ReviewState.CURRENT


class ArticleFAQ(models.Model):
    """A question and answer shown at the foot of an article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(max_length=200)
    answer = models.TextField(help_text="Plain text. Leave a blank line between paragraphs.")
    order = models.PositiveSmallIntegerField(default=0)
    # Searched with the articles (pages/search.py), below an article's own words.
    search_vector = models.GeneratedField(
        expression=SearchVector("question", weight="C", config=SEARCH_CONFIG)
        + SearchVector("answer", weight="D", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "frequently asked question"
        indexes = [GinIndex(fields=["search_vector"], name="article_faq_search_idx")]

    def __str__(self):
        return self.question


class ArticleOldSlug(models.Model):
    """An address an article used to have, kept so old links redirect to it."""

    slug = models.SlugField(max_length=120, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="old_slugs")
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.slug


def reading_grade(text: str) -> float:
    """Return the US school grade needed to read the text (Flesch-Kincaid)."""
    return round(textstat.flesch_kincaid_grade(text), 1) if text.strip() else 0.0


@receiver(models.signals.pre_save, sender=Article)
def _remember_old_slug(sender, instance, raw=False, **kwargs):
    """Keep the previous address of an article whose slug changes.

    An article that takes an address another article used to have takes it over: the old
    redirect is dropped.
    """
    if raw:
        return
    old = None
    if instance.pk is not None:
        old = Article.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old == instance.slug:
        return
    ArticleOldSlug.objects.filter(slug=instance.slug).delete()
    if old:
        ArticleOldSlug.objects.update_or_create(slug=old, defaults={"article": instance})
