"""Clinical sign-off: approving an exact version of an article, and publishing it.

An approval (`ClinicalReview`) names the fingerprint of the draft it approved; any later change to
the title, summary, body or questions changes the fingerprint, so the approval no longer covers
the draft. With REQUIRE_CLINICAL_APPROVAL on, only a draft with an approval of its current
fingerprint can be published. A non-clinical fix (a typo, a broken link) may go live without a
new review when a second staff member confirms it; the page then keeps the review line of the
version it corrected, and says the wording was corrected since.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from . import tasks
from .models import (
    REVIEW_INTERVAL,
    Article,
    ClinicalReview,
    Decision,
    PublishedVersion,
    PublishKind,
    Status,
)


class SignOffRefused(Exception):
    """A sign-off step that the rules do not allow; the message is written for staff."""


class DraftState:
    LIVE = "live"
    AWAITING_REVIEW = "awaiting"
    SENT_BACK = "sent-back"
    APPROVED = "approved"

    LABELS = {
        LIVE: "Same as the live version",
        AWAITING_REVIEW: "Changed, awaiting clinical review",
        SENT_BACK: "Sent back for changes",
        APPROVED: "Approved, ready to publish",
    }


@dataclass
class SignOff:
    """Where an article's draft stands: its fingerprint, state, and the decision on it."""

    fingerprint: str
    state: str
    decision: ClinicalReview | None

    @property
    def label(self) -> str:
        return DraftState.LABELS[self.state]

    @property
    def approval(self) -> ClinicalReview | None:
        if self.decision and self.decision.decision == Decision.APPROVED:
            return self.decision
        return None


def sign_off(article: Article) -> SignOff:
    """Return where the article's draft stands in the sign-off."""
    fingerprint = article.draft_fingerprint()
    decision = article.reviews.filter(fingerprint=fingerprint).first()
    live = article.live
    if live is not None and live.fingerprint == fingerprint and article.status == Status.PUBLISHED:
        state = DraftState.LIVE
    elif decision is None:
        state = DraftState.AWAITING_REVIEW
    elif decision.decision == Decision.APPROVED:
        state = DraftState.APPROVED
    else:
        state = DraftState.SENT_BACK
    return SignOff(fingerprint=fingerprint, state=state, decision=decision)


def draft_version(article: Article) -> PublishedVersion:
    """Return the draft as an unsaved version, to show it exactly as it would be published."""
    faqs = [{"question": faq.question, "answer": faq.answer} for faq in article.faqs.all()]
    return PublishedVersion(
        article=article,
        title=article.title,
        summary=article.summary,
        body_html=article.body_html,
        body_text=article.body_text,
        toc=article.toc,
        faqs=faqs,
        faq_text="\n\n".join(f"{faq['question']}\n{faq['answer']}" for faq in faqs),
        word_count=article.word_count,
        fingerprint=article.draft_fingerprint(),
    )


# Who may decide ----------------------------------------------------------------------------------


def may_approve(user) -> bool:
    """Return whether the user holds the approve permission through their groups or own account.

    Superuser status does not count: a superuser is no shortcut around clinical sign-off.
    """
    granted = Q(codename="approve_article", content_type__app_label="pages")
    return (
        user.is_active
        and user.is_staff
        and (
            user.groups.filter(permissions__in=_permissions(granted)).exists()
            or user.user_permissions.filter(granted).exists()
        )
    )


def _permissions(condition: Q):
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(condition)


# Decisions ---------------------------------------------------------------------------------------


def decide_as_staff(
    *, article: Article, user, clinician, decision: str, comment: str, fingerprint: str
) -> ClinicalReview:
    """Record a signed-in clinical reviewer's decision on the draft they were shown."""
    if not may_approve(user):
        raise SignOffRefused(
            "Only members of the Clinical reviewer group can approve articles or send them back."
        )
    if user.pk in article.draft_editor_ids():
        raise SignOffRefused(
            "You changed this draft since it was last published, so another clinician must "
            "review it. Send them a review link, or ask a colleague in the Clinical reviewer "
            "group."
        )
    return record_decision(
        article=article,
        fingerprint=fingerprint,
        decision=decision,
        comment=comment,
        reviewer_name=clinician.name,
        reviewer_credentials=clinician.credentials,
        clinician=clinician,
        decided_by=user,
    )


@transaction.atomic
def record_decision(*, article: Article, fingerprint: str, **fields) -> ClinicalReview:
    """Store a decision on exactly the draft the reviewer read, and tell the editors."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.draft_fingerprint() != fingerprint:
        raise SignOffRefused(
            "The article was changed after this page was opened. Please read it again."
        )
    now = timezone.now()
    review = ClinicalReview(article=article, fingerprint=fingerprint, decided_at=now, **fields)
    if review.decision == Decision.APPROVED:
        review.next_review_due = timezone.localdate(now) + REVIEW_INTERVAL
    review.full_clean()
    review.save()
    transaction.on_commit(lambda: tasks.notify_editors_of_decision.enqueue(review_id=review.pk))
    return review


# Publishing --------------------------------------------------------------------------------------


@transaction.atomic
def publish_draft(*, article: Article, user) -> PublishedVersion:
    """Put the draft live: it needs an approval of exactly this text, unless that is turned off."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    approval = sign_off(article).approval
    if approval is None and settings.REQUIRE_CLINICAL_APPROVAL:
        raise SignOffRefused(
            "This version has not been approved by a clinician, so it cannot be published. "
            "Ask for a review, or, for a typo or broken link only, publish it as a "
            "non-clinical fix."
        )
    kind = PublishKind.APPROVED if approval else PublishKind.NOT_REVIEWED
    version = draft_version(article)
    version.kind, version.approval, version.published_by = kind, approval, user
    return _go_live(article, version)


def publish_unreviewed(article: Article) -> PublishedVersion:
    """Put the draft live with no review: for the demo's starter articles and the tests.

    Its page says "Not yet reviewed by a clinician".
    """
    version = draft_version(article)
    version.kind = PublishKind.NOT_REVIEWED
    return _go_live(article, version)


@transaction.atomic
def request_fix(*, article: Article, user, reason: str) -> PublishedVersion:
    """Prepare the draft as a non-clinical fix; it goes live once another staff member confirms."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not reason.strip():
        raise SignOffRefused("Say what the fix is, for example “typo in the second heading”.")
    if article.live is None or article.status != Status.PUBLISHED:
        raise SignOffRefused(
            "Only an article that is on the site can get a non-clinical fix. A new article "
            "needs a clinical review."
        )
    article.versions.filter(kind=PublishKind.NON_CLINICAL_FIX, published_at=None).delete()
    version = draft_version(article)
    version.kind, version.reason, version.published_by = (
        PublishKind.NON_CLINICAL_FIX,
        reason.strip(),
        user,
    )
    version.approval = article.live.approval
    version.save()
    return version


@transaction.atomic
def confirm_fix(*, version: PublishedVersion, user) -> PublishedVersion:
    """Put a requested non-clinical fix live, confirmed by a second staff member."""
    version = PublishedVersion.objects.select_for_update().get(pk=version.pk)
    if version.published_at is not None:
        raise SignOffRefused("This fix is already published.")
    if version.published_by_id == user.pk:
        raise SignOffRefused("A different staff member must confirm your fix.")
    article = Article.objects.select_for_update().get(pk=version.article_id)
    version.confirmed_by = user
    return _go_live(article, version)


@transaction.atomic
def take_offline(*, article: Article) -> None:
    """Take the article off the site; its live version is kept, for the record."""
    Article.objects.filter(pk=article.pk).update(status=Status.DRAFT, updated=timezone.now())


def _go_live(article: Article, version: PublishedVersion) -> PublishedVersion:
    now = timezone.now()
    version.published_at = now
    version.full_clean()
    version.save()
    # An update, not save(): publishing is not an edit of the draft, so it adds no history
    # record (the history would otherwise count the publisher as the draft's editor).
    Article.objects.filter(pk=article.pk).update(live=version, status=Status.PUBLISHED, updated=now)
    return version


# Reviews coming due -----------------------------------------------------------------------------


def articles_needing_review(*, today, due_within_days: int):
    """Return the published articles whose live version is unreviewed, due soon or overdue."""
    soon = today + datetime.timedelta(days=due_within_days)
    needs = Q(live__approval__isnull=True) | Q(live__approval__next_review_due__lte=soon)
    return (
        Article.objects.published()
        .filter(needs)
        .select_related("live__approval", "live__published_by")
        .order_by(F("live__approval__next_review_due").asc(nulls_first=True), "title")
    )


def review_queue() -> dict[str, list[Article]]:
    """Return the articles whose draft awaits a step of the sign-off, by DraftState."""
    queue = {DraftState.AWAITING_REVIEW: [], DraftState.SENT_BACK: [], DraftState.APPROVED: []}
    articles = Article.objects.select_related("live").prefetch_related("faqs")
    for article in articles.order_by("title"):
        state = sign_off(article).state
        if state in queue:
            queue[state].append(article)
    return queue
