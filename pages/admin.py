from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    TARGET_READING_GRADE,
    Article,
    ArticleFAQ,
    Clinician,
    ClinicProfile,
    ReviewState,
    reading_grade,
)
from .rendering import MAX_SOURCE_LENGTH, render_markdown, source_length


@admin.register(ClinicProfile)
class ClinicProfileAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("name", "tagline")}),
        ("Contact", {"fields": ("phone", "email")}),
        ("Address", {"fields": ("street_address", "city", "region", "postal_code")}),
        ("Opening hours", {"fields": ("open_days", "opens_at", "closes_at", "time_zone")}),
        (
            "Crisis line (shown on every page)",
            {
                "fields": (
                    "crisis_message",
                    "crisis_number",
                    "crisis_name",
                    "crisis_chat_url",
                    "emergency_number",
                )
            },
        ),
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """Go straight to the one profile: there is never a list to choose from."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        profile = ClinicProfile.objects.load()
        return redirect("admin:pages_clinicprofile_change", profile.pk)


# Articles ---------------------------------------------------------------------------------------


class ArticleFAQInline(admin.StackedInline):
    model = ArticleFAQ
    extra = 0
    fields = ("question", "answer", "order")


class ReviewStateFilter(admin.SimpleListFilter):
    title = "clinical review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return ReviewState.choices

    def queryset(self, request, queryset):
        if self.value() in ReviewState.values:
            return queryset.in_review_state(self.value())
        return queryset


class ArticleAdminForm(forms.ModelForm):
    """The article form, with a ceiling on the body's length that tells the editor what to do."""

    class Meta:
        model = Article
        fields = ("body",)  # the admin's fieldsets add the other fields

    def clean_body(self):
        body = self.cleaned_data["body"]
        length = source_length(body)
        if length > MAX_SOURCE_LENGTH:
            raise forms.ValidationError(
                "This article is %(length)s characters long, and an article can hold at most "
                "%(limit)s. Please shorten it, or split it into two articles and link them "
                "under Related articles.",
                code="max_length",
                params={"length": f"{length:,}", "limit": f"{MAX_SOURCE_LENGTH:,}"},
            )
        return body


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ("name", "credentials", "role")
    search_fields = ("name", "role")


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = (
        "title", "topic", "status", "publish_at", "review_column", "grade_column", "updated",
    )  # fmt: skip
    list_filter = ("status", "topic", ReviewStateFilter)
    list_select_related = ("reviewed_by",)
    search_fields = ("title", "summary", "slug")
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("related",)
    form = ArticleAdminForm
    inlines = (ArticleFAQInline,)
    readonly_fields = ("grade_column", "updated")
    save_on_top = True
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("title", "slug", "topic", "order", "summary", "body", "grade_column")}),
        ("Publishing", {"fields": ("status", "publish_at", "updated")}),
        ("Clinical review", {"fields": ("reviewed_by", "last_reviewed", "next_review_due")}),
        ("Related articles", {"fields": ("related",)}),
        (
            "Picture",
            {"classes": ("collapse",), "fields": ("hero_image", "hero_image_alt")},
        ),
        (
            "Search engines",
            {
                "classes": ("collapse",),
                "fields": ("seo_title", "meta_description", "canonical_url"),
            },
        ),
    )

    class Media:
        js = ("js/article-preview.js",)
        css = {"all": ("css/article-admin.css",)}

    def view_on_site(self, article):
        """Link straight to the article: drafts open as a staff-only preview.

        The stock link goes through the sites framework, whose domain may not be this site's.
        """
        return article.get_absolute_url()

    @admin.display(description="review", ordering="next_review_due")
    def review_column(self, article):
        state = ReviewState(article.review_state)
        return format_html(
            '<span class="review-state review-state--{}">{}</span>', state, state.label
        )

    @admin.display(description=f"reading grade (target {TARGET_READING_GRADE} or lower)")
    def grade_column(self, article):
        if not article.pk:
            return "Shown after the first save."
        ok = article.reading_grade <= TARGET_READING_GRADE
        return format_html(
            '<span class="reading-grade reading-grade--{}">{} {}</span>',
            "ok" if ok else "high",
            f"{article.reading_grade:.1f}",
            "(on target)" if ok else "(try shorter sentences and simpler words)",
        )

    def get_urls(self):
        preview = path(
            "preview/",
            self.admin_site.admin_view(self.preview_view),
            name="pages_article_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request):
        """Return the body rendered exactly as the site will show it (staff only, POST)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        rendered = render_markdown(request.POST.get("body", "")[:MAX_SOURCE_LENGTH])
        grade = reading_grade(rendered.sentences_text)
        return JsonResponse({"html": rendered.html, "grade": grade})
