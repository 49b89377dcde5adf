from django.contrib import admin
from django.shortcuts import redirect

from .models import ClinicProfile


@admin.register(ClinicProfile)
class ClinicProfileAdmin(admin.ModelAdmin):
    fieldsets = (
        (None, {"fields": ("name", "tagline")}),
        ("Contact", {"fields": ("phone", "email")}),
        ("Address", {"fields": ("street_address", "city", "region", "postal_code")}),
        ("Opening hours", {"fields": ("open_days", "opens_at", "closes_at", "time_zone")}),
        (
            "Crisis line (shown on every page)",
            {"fields": ("crisis_message", "crisis_number", "emergency_number")},
        ),
    )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """Go straight to the one profile: there is never a list to choose from."""
        profile = ClinicProfile.objects.load()
        return redirect("admin:pages_clinicprofile_change", profile.pk)
