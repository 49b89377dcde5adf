"""The audit pages, for superusers only: who opened which request, and each retention run."""

from django.contrib import admin

from .models import AccessLogEntry, RetentionRun


class AuditAdmin(admin.ModelAdmin):
    """An audit page: superusers only, read-only."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(AuditAdmin):
    """Who saw which requests, when, asking what: for a superuser to review, never to edit."""

    list_display = ("viewed_at", "user", "page", "query", "shown")
    list_filter = ("user", "page")
    search_fields = ("user__username",)
    search_help_text = "Search by a request's reference or a staff member's username."
    date_hierarchy = "viewed_at"
    list_select_related = ("user",)

    @admin.display(description="requests shown")
    def shown(self, obj):
        return ", ".join(obj.references) or "-"

    def get_search_results(self, request, queryset, search_term):
        """Find the entries that showed a reference, or else by username."""
        reference = search_term.strip().upper()
        if reference:
            shown = queryset.filter(references__contains=[reference])
            if shown.exists():
                return shown, False
        return super().get_search_results(request, queryset, search_term)


@admin.register(RetentionRun)
class RetentionRunAdmin(AuditAdmin):
    """What each retention clean-up anonymised."""

    list_display = ("ran_at", "cutoff", "anonymised_count")
    search_fields = ("references",)
    date_hierarchy = "ran_at"
