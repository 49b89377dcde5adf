"""The article's clinical sign-off page in the admin: review, review links, publishing.

One page per article (linked from its change form) shows where the draft stands and offers
each step as a small POST form; every step is a function in pages/review.py or
pages/review_links.py, which hold the rules.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path

from .forms import FixForm, ReviewLinkForm, StaffDecisionForm
from .models import Article, ClinicProfile, PublishedVersion, PublishKind, ReviewLink
from .review import (
    DraftState,
    SignOffRefused,
    confirm_fix,
    decide_as_staff,
    may_approve,
    publish_draft,
    request_fix,
    sign_off,
    take_offline,
)
from .review_links import revoke, send_review_link
from .views import draft_preview


class ClinicalSignOffMixin:
    """Add the sign-off page and the staff's draft preview to the article admin."""

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/sign-off/", view(self.signoff_view), name="pages_article_signoff"
            ),
            path(
                "<int:object_id>/sign-off/draft/",
                view(self.draft_view),
                name="pages_article_draft",
            ),
            *super().get_urls(),
        ]

    def draft_view(self, request, object_id):
        """Show the working draft as the public page would, whether or not it is live."""
        article = self._article(request, object_id)
        return draft_preview(request, article)

    def signoff_view(self, request, object_id):
        article = self._article(request, object_id)
        forms = {}
        if request.method == "POST":
            handler = self._signoff_steps().get(request.POST.get("action", ""))
            if handler is None:
                return HttpResponseRedirect(request.path)
            try:
                done, forms = handler(request, article)
            except SignOffRefused as refusal:
                messages.error(request, str(refusal))
                done = False
            if done:
                return HttpResponseRedirect(request.path)
            article.refresh_from_db()
        return TemplateResponse(
            request, "admin/pages/article/signoff.html", self._context(request, article, forms)
        )

    def _signoff_steps(self) -> dict:
        return {
            "decide": self._do_decide,
            "publish": self._do_publish,
            "send-link": self._do_send_link,
            "revoke": self._do_revoke,
            "fix": self._do_fix,
            "confirm-fix": self._do_confirm_fix,
            "take-offline": self._do_take_offline,
        }

    def _article(self, request, object_id) -> Article:
        article = get_object_or_404(Article.objects.select_related("live__approval"), pk=object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        return article

    def _require_change(self, request, article):
        if not self.has_change_permission(request, article):
            raise PermissionDenied

    def _context(self, request, article, forms) -> dict:
        state = sign_off(article)
        user = request.user
        pending_fix = article.versions.filter(
            kind=PublishKind.NON_CLINICAL_FIX, published_at=None
        ).first()
        may_decide = may_approve(user) and state.state != DraftState.LIVE
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Clinical sign-off: {article.title}",
            "article": article,
            "signoff": state,
            "clinic_tz": ClinicProfile.objects.load().tz,
            "link_days": settings.REVIEW_LINK_DAYS,
            "may_change": self.has_change_permission(request, article),
            "may_decide": may_decide,
            "wrote_draft": user.pk in article.draft_editor_ids(),
            "decision_form": forms.get("decide")
            or StaffDecisionForm(initial={"fingerprint": state.fingerprint}),
            "link_form": forms.get("send-link") or ReviewLinkForm(),
            "fix_form": forms.get("fix") or FixForm(),
            "pending_fix": pending_fix,
            "reviews": article.reviews.select_related("decided_by", "review_link"),
            "versions": article.versions.filter(published_at__isnull=False).select_related(
                "approval", "published_by", "confirmed_by"
            ),
            "links": article.review_links.select_related("created_by").prefetch_related("visits"),
        }

    # Each step: (done, forms with errors to show again) ---------------------------------------

    def _do_decide(self, request, article):
        form = StaffDecisionForm(request.POST)
        if not form.is_valid():
            return False, {"decide": form}
        review = decide_as_staff(article=article, user=request.user, **form.cleaned_data)
        messages.success(request, f"Recorded: {review.get_decision_display().lower()}.")
        return True, {}

    def _do_publish(self, request, article):
        self._require_change(request, article)
        version = publish_draft(article=article, user=request.user)
        messages.success(
            request,
            f"Published: the public now reads this version ({version.get_kind_display().lower()}).",
        )
        return True, {}

    def _do_send_link(self, request, article):
        self._require_change(request, article)
        form = ReviewLinkForm(request.POST)
        if not form.is_valid():
            return False, {"send-link": form}
        link = send_review_link(
            article=article,
            user=request.user,
            name=form.cleaned_data["reviewer_name"],
            credentials=form.cleaned_data["reviewer_credentials"],
            email=form.cleaned_data["reviewer_email"],
        )
        messages.success(
            request, f"A review link was emailed to {link.reviewer_name} ({link.reviewer_email})."
        )
        return True, {}

    def _do_revoke(self, request, article):
        self._require_change(request, article)
        link = get_object_or_404(ReviewLink, pk=request.POST.get("link"), article=article)
        revoke(link)
        messages.success(request, f"The link sent to {link.reviewer_name} no longer works.")
        return True, {}

    def _do_fix(self, request, article):
        self._require_change(request, article)
        form = FixForm(request.POST)
        if not form.is_valid():
            return False, {"fix": form}
        request_fix(article=article, user=request.user, reason=form.cleaned_data["reason"])
        messages.success(
            request, "Saved as a non-clinical fix. Another staff member must now confirm it."
        )
        return True, {}

    def _do_confirm_fix(self, request, article):
        self._require_change(request, article)
        version = get_object_or_404(
            PublishedVersion, pk=request.POST.get("version"), article=article
        )
        confirm_fix(version=version, user=request.user)
        messages.success(request, "Confirmed and published: the public now reads the fix.")
        return True, {}

    def _do_take_offline(self, request, article):
        self._require_change(request, article)
        take_offline(article=article)
        messages.success(request, "The article is off the site. Publish it again to bring it back.")
        return True, {}
