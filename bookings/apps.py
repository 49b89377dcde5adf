from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BookingsConfig(AppConfig):
    name = "bookings"
    verbose_name = "Consultation requests"

    def ready(self):
        post_migrate.connect(_sync_roles, dispatch_uid="bookings.sync_roles")


def _sync_roles(sender, using="default", **kwargs):
    """Bring the staff roles up to date once every app has migrated (see bookings.roles)."""
    from .roles import sync_roles

    if sender.name == "bookings":
        sync_roles(using=using)
