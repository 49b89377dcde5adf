"""The audit pages, for superusers only: who opened which request, and each retention run."""

from django.contrib import admin

from .models import AccessLogEntry, RetentionRun


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(admin.ModelAdmin):
    """Who opened which request, when: for a superuser to review, never to edit."""

    list_display = ("viewed_at", "user", "request")
    list_filter = ("user",)
    search_fields = ("request__reference", "user__username")
    date_hierarchy = "viewed_at"
    list_select_related = ("user", "request")

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


@admin.register(RetentionRun)
class RetentionRunAdmin(AccessLogEntryAdmin):
    """What each retention clean-up anonymised."""

    list_display = ("ran_at", "cutoff", "anonymised_count")
    list_filter = ()
    search_fields = ("references",)
    date_hierarchy = "ran_at"
    list_select_related = ()
