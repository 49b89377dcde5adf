from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = "Staff sign-in"

    def ready(self):
        # Sent once per app that has models after every `migrate` (this app has none): the
        # auth app's signal comes once, when every table exists.
        auth = apps.get_app_config("auth")
        post_migrate.connect(_sync_roles, sender=auth, dispatch_uid="staff.sync_roles")


def _sync_roles(sender, using="default", **kwargs):
    """Bring the staff roles up to date once every app has migrated (see staff.roles)."""
    from .roles import sync_roles

    sync_roles(using=using)
