from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpResponseNotAllowed, JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from clinic_site.admin import SingletonAdmin

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
from .review import sign_off
from .review_admin import ClinicalSignOffMixin


class ClinicProfileAdminForm(forms.ModelForm):
    """The profile form, with the same ceiling on the costs page's text as on an article."""

    class Meta:
        model = ClinicProfile
        fields = ("costs",)  # the admin's fieldsets add the other fields

    def clean_costs(self):
        costs = self.cleaned_data["costs"]
        length = source_length(costs)
        if length > MAX_SOURCE_LENGTH:
            raise forms.ValidationError(
                "The costs page is %(length)s characters long, and it can hold at most "
                "%(limit)s. Please shorten it: patients read a short page more easily.",
                code="max_length",
                params={"length": f"{length:,}", "limit": f"{MAX_SOURCE_LENGTH:,}"},
            )
        return costs


@admin.register(ClinicProfile)
class ClinicProfileAdmin(SingletonAdmin):
    form = ClinicProfileAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("name", "tagline")}),
        ("Contact", {"fields": ("phone", "email")}),
        ("Address", {"fields": ("street_address", "city", "region", "postal_code")}),
        ("Opening hours", {"fields": ("open_days", "opens_at", "closes_at", "time_zone")}),
        (
            "Visit us",
            {
                "description": "The “Visit us” page appears once the street address and city "
                "are filled in. It shows the address with links to open it in a map app, the "
                "opening hours, and these notes when you write them.",
                "fields": ("parking", "transit"),
            },
        ),
        (
            "Costs page",
            {
                "description": "Written in Markdown, like the articles. Say how paying works "
                "and what insurance may cover; leave it empty and the site has no costs page.",
                "fields": ("costs",),
            },
        ),
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


# Articles ---------------------------------------------------------------------------------------


class ArticleFAQInline(admin.StackedInline):
    model = ArticleFAQ
    extra = 0
    fields = ("question", "answer", "order")


class ReviewStateFilter(admin.SimpleListFilter):
    title = "clinical review of the live version"
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

    def clean_related(self):
        related = self.cleaned_data["related"]
        if self.instance.pk and related.filter(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                "An article cannot be related to itself. Choose other articles readers may want "
                "next."
            )
        return related

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
    list_display = ("name", "credentials", "role", "on_team_page", "order", "sample_column")
    list_filter = ("on_team_page", "is_sample")
    search_fields = ("name", "role")
    fields = (
        "sample_column", "name", "credentials", "role", "bio", "photo", "on_team_page", "order",
    )  # fmt: skip
    readonly_fields = ("sample_column",)

    def get_fields(self, request, obj=None):
        """Show the sample warning on the demo's made-up entries only."""
        fields = super().get_fields(request, obj)
        if obj is not None and obj.is_sample:
            return fields
        return [field for field in fields if field != "sample_column"]

    @admin.display(description="sample", ordering="is_sample", empty_value="")
    def sample_column(self, clinician):
        if not clinician.is_sample:
            return None
        return format_html(
            "<strong>{}</strong>",
            "Sample: made up for the demo clinic, not a real person. Delete it before going live.",
        )


@admin.register(Article)
class ArticleAdmin(ClinicalSignOffMixin, SimpleHistoryAdmin):
    list_display = (
        "title", "topic", "status", "publish_at", "review_column", "draft_column",
        "grade_column", "updated",
    )  # fmt: skip
    list_filter = ("status", "topic", ReviewStateFilter)
    list_select_related = ("live__approval",)
    search_fields = ("title", "summary", "slug")
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("related",)
    form = ArticleAdminForm
    inlines = (ArticleFAQInline,)
    readonly_fields = ("grade_column", "status", "updated")
    save_on_top = True
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("title", "slug", "topic", "order", "summary", "body", "grade_column")}),
        ("Publishing", {"fields": ("status", "publish_at", "updated")}),
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

    @admin.display(description="review of live version", ordering="live__approval__next_review_due")
    def review_column(self, article):
        approval = article.live.approval if article.live else None
        if approval is None:
            state = ReviewState.NOT_REVIEWED
        else:
            state = ReviewState.OVERDUE if approval.is_overdue else ReviewState.CURRENT
        return format_html(
            '<span class="review-state review-state--{}">{}</span>', state, state.label
        )

    @admin.display(description="draft")
    def draft_column(self, article):
        state = sign_off(article)
        return format_html(
            '<a class="draft-state draft-state--{}" href="{}">{}</a>',
            state.state,
            reverse("admin:pages_article_signoff", args=[article.pk]),
            state.label,
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
