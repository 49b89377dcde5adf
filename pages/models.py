"""Content models: the clinic's identity (one row), the articles and their clinical sign-off."""

import datetime
import hashlib
import json
import warnings
import zoneinfo

from django.conf import settings
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
        """Return the articles the public may see: on the site, with a publish date reached.

        The public only ever reads an article's live version (`live`), never its working draft.
        """
        return self.filter(
            status=Status.PUBLISHED, publish_at__lte=timezone.now(), live__isnull=False
        )

    def in_review_state(self, state: str):
        """Return the articles whose live version's clinical review is in `state`."""
        reviewed = models.Q(live__approval__isnull=False)
        if state == ReviewState.NOT_REVIEWED:
            return self.exclude(reviewed)
        overdue = models.Q(live__approval__next_review_due__lt=timezone.localdate())
        if state == ReviewState.OVERDUE:
            return self.filter(reviewed & overdue)
        return self.filter(reviewed).exclude(overdue)


class Article(models.Model):
    """A patient-education article: the working draft editors change, and what is live.

    The fields here are the draft. The public reads only `live`, the version that was last
    published (with a clinician's approval of exactly that text, see pages/review.py), so an
    editor can prepare changes while patients keep reading the approved version.
    """

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
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        editable=False,
        help_text="Set by “Publish” and “Take off the site” on the clinical sign-off page.",
    )
    publish_at = models.DateTimeField(
        "publish date",
        default=timezone.now,
        help_text="A published article appears on the site from this moment.",
    )
    live = models.ForeignKey(
        "PublishedVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The version the public reads.",
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

    objects = ArticleQuerySet.as_manager()
    # What is live, and whether it is on the site, change only through publishing: restoring an
    # earlier draft from the history must never put text online that nobody approved.
    history = HistoricalRecords(excluded_fields=["live", "status"])

    class Meta:
        ordering = ["topic", "order", "title"]
        permissions = [("approve_article", "Can approve or send back articles (clinical sign-off)")]
        indexes = [models.Index(fields=["status", "publish_at"], name="article_published_idx")]
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
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("pages:article_detail", args=[self.slug])

    @property
    def is_live(self) -> bool:
        """Return whether the public can read the article now (its live version)."""
        return (
            self.status == Status.PUBLISHED
            and self.live_id is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.word_count / READING_WORDS_PER_MINUTE))

    def draft_fingerprint(self) -> str:
        """Return the fingerprint of the draft as saved: title, summary, body and questions."""
        faqs = [(faq.question, faq.answer) for faq in self.faqs.all()]
        return content_fingerprint(self.title, self.summary, self.body, faqs)

    def draft_editor_ids(self) -> set[int]:
        """Return the ids of the staff who saved the draft since its live version was published.

        From the article's history (every save in the admin is a record with its user).
        """
        history = self.history.exclude(history_user=None)
        latest = self.versions.filter(published_at__isnull=False).order_by("-published_at").first()
        if latest is not None:
            history = history.filter(history_date__gt=latest.published_at)
        return set(history.values_list("history_user", flat=True))


class ArticleFAQ(models.Model):
    """A question and answer shown at the foot of an article."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(max_length=200)
    answer = models.TextField(help_text="Plain text. Leave a blank line between paragraphs.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "frequently asked question"

    def __str__(self):
        return self.question


# Clinical sign-off ------------------------------------------------------------------------------

# How long an approval holds before the article is due for its next review.
REVIEW_INTERVAL = datetime.timedelta(days=365)


def content_fingerprint(title: str, summary: str, body: str, faqs) -> str:
    """Return the sha256 of the reviewed content, as canonical JSON; any change changes it."""
    content = {"title": title, "summary": summary, "body": body, "faqs": [list(f) for f in faqs]}
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class Decision(models.TextChoices):
    APPROVED = "approved", "Approved"
    CHANGES_REQUESTED = "changes", "Sent back for changes"


class ClinicalReview(models.Model):
    """A clinician's decision on one exact version of an article's draft (its fingerprint).

    Made by a signed-in clinical reviewer (`decided_by`) or through an outside reviewer's
    emailed link (`review_link`). The reviewer's name and credentials are copied in, so the
    record says who signed off even if a clinician's entry is later edited.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="reviews")
    fingerprint = models.CharField(max_length=64)
    decision = models.CharField(max_length=10, choices=Decision)
    comment = models.TextField(blank=True)
    reviewer_name = models.CharField(max_length=120)
    reviewer_credentials = models.CharField(max_length=60, blank=True)
    clinician = models.ForeignKey(
        Clinician, on_delete=models.PROTECT, null=True, blank=True, related_name="reviews"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_link = models.OneToOneField(
        "ReviewLink", on_delete=models.PROTECT, null=True, blank=True, related_name="decision"
    )
    decided_at = models.DateTimeField(default=timezone.now)
    next_review_due = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        indexes = [models.Index(fields=["article", "fingerprint"], name="review_article_fp_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True) ^ models.Q(review_link__isnull=True),
                name="review_by_staff_or_link",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision=Decision.CHANGES_REQUESTED) | ~models.Q(comment=""),
                name="review_sent_back_with_comment",
                violation_error_message="Say what needs to change.",
            ),
            models.CheckConstraint(
                condition=~models.Q(decision=Decision.APPROVED)
                | models.Q(next_review_due__isnull=False),
                name="review_approval_has_next_due",
            ),
        ]

    def __str__(self):
        return f"{self.get_decision_display()} by {self.reviewer} on {self.decided_at:%Y-%m-%d}"

    @property
    def reviewer(self) -> str:
        """Return the reviewer's name with their credentials, as the public line shows them."""
        if self.reviewer_credentials:
            return f"{self.reviewer_name}, {self.reviewer_credentials}"
        return self.reviewer_name

    @property
    def is_overdue(self) -> bool:
        return self.next_review_due is not None and self.next_review_due < timezone.localdate()


class PublishKind(models.TextChoices):
    APPROVED = "approved", "Clinically approved"
    NON_CLINICAL_FIX = "fix", "Non-clinical fix (typo, broken link)"
    NOT_REVIEWED = "not-reviewed", "Published without clinical review"


class PublishedVersion(models.Model):
    """A copy of an article's draft as it went (or goes) live: what the public reads.

    Never changed once published; the article's `live` points at the current one, and the older
    ones are the record of what patients read when. A non-clinical fix waits here, unpublished
    (`published_at` empty), until a second staff member confirms it.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    title = models.CharField(max_length=150)
    summary = models.CharField(max_length=300)
    body_html = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    toc = models.JSONField(default=list, blank=True)
    faqs = models.JSONField(default=list, blank=True, help_text="[{question, answer}, ...].")
    faq_text = models.TextField(blank=True)
    word_count = models.PositiveIntegerField(default=0)
    fingerprint = models.CharField(max_length=64)
    kind = models.CharField(max_length=15, choices=PublishKind)
    approval = models.ForeignKey(
        ClinicalReview,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The approval the public review line names. For a non-clinical fix, the "
        "approval of the version it corrected.",
    )
    reason = models.TextField(blank=True, help_text="Why a non-clinical fix needs no review.")
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    # Searched by the site's search (pages/search.py): the article's own words, then its
    # questions and answers, which rank below them.
    search_vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector("body_text", weight="C", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    faq_search_vector = models.GeneratedField(
        expression=SearchVector("faq_text", weight="D", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [
            GinIndex(fields=["search_vector"], name="version_search_idx"),
            GinIndex(fields=["faq_search_vector"], name="version_faq_search_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind=PublishKind.APPROVED) | models.Q(approval__isnull=False),
                name="version_approved_names_approval",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=PublishKind.NON_CLINICAL_FIX) | ~models.Q(reason=""),
                name="version_fix_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=PublishKind.NON_CLINICAL_FIX)
                | models.Q(published_at__isnull=True)
                | (
                    models.Q(confirmed_by__isnull=False)
                    & ~models.Q(confirmed_by=models.F("published_by"))
                ),
                name="version_fix_confirmed_by_another",
                violation_error_message="A second staff member must confirm a non-clinical fix.",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_kind_display()})"

    def get_absolute_url(self):
        return self.article.get_absolute_url()

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.word_count / READING_WORDS_PER_MINUTE))


class ReviewLinkQuerySet(models.QuerySet):
    def usable(self):
        """Return the links that still open a review: not expired, revoked or used."""
        return self.filter(
            expires_at__gt=timezone.now(), revoked_at__isnull=True, used_at__isnull=True
        )


class ReviewLink(models.Model):
    """A link emailed to one outside reviewer, to read an article's draft and decide on it.

    Only a hash of its secret is stored (the secret itself is only in the email), so nobody
    with the database can use it.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="review_links")
    reviewer_name = models.CharField(
        "reviewer's name", max_length=120, help_text="As it should appear on the article."
    )
    reviewer_credentials = models.CharField(
        "credentials", max_length=60, help_text="Letters after the name, for example MD."
    )
    reviewer_email = models.EmailField("reviewer's email")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    used_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Review link for {self.reviewer_name} ({self.article})"

    @property
    def state(self) -> str:
        """Return the link's state in a word or two, for staff."""
        if self.used_at:
            return "used"
        if self.revoked_at:
            return "withdrawn"
        if self.expires_at <= timezone.now():
            return "expired"
        return "open"


class ReviewLinkVisit(models.Model):
    """One opening of a review link, or one decision sent through it (an audit trail)."""

    class Action(models.TextChoices):
        VIEWED = "viewed", "Opened"
        DECIDED = "decided", "Sent a decision"
        REFUSED = "refused", "Opened after it stopped working"

    link = models.ForeignKey(ReviewLink, on_delete=models.CASCADE, related_name="visits")
    action = models.CharField(max_length=10, choices=Action)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


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
