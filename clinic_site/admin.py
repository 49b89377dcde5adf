"""Admin pieces shared by the apps (this package imports no app)."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect


class SingletonAdmin(admin.ModelAdmin):
    """The admin of a one-row model (its manager's `load()` returns the row, creating it).

    There is never a list to choose from, nothing to add and nothing to delete: the list goes
    straight to the one row.
    """

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """Go straight to the one row."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        row = self.model.objects.load()
        opts = self.model._meta
        return redirect(f"admin:{opts.app_label}_{opts.model_name}_change", row.pk)
