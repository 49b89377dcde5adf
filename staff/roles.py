"""The staff roles, as data: each group and the permissions it holds.

`sync_roles()` makes the groups match this list after every `migrate` (post_migrate, see
staff/apps.py), so a permission whose model arrives in a later migration is added as soon as
that model exists; permissions of models not installed yet are skipped, never invented.
Permissions are only ever added, so a clinic's own extra grants survive; to take one of these
away for good, remove it from ROLES (a grant removed only in the admin comes back at the next
`migrate`).
"""

from django.apps import apps as global_apps

FRONT_DESK = "Front desk"
EDITOR = "Editor"
CLINICAL_REVIEWER = "Clinical reviewer"
MANAGER = "Manager"

ROLES = {
    # Triage the inbox: read requests, change status/owner, add notes. No deleting, no articles.
    FRONT_DESK: [
        ("bookings", "view_consultationrequest"),
        ("bookings", "change_consultationrequest"),
        ("bookings", "add_note"),
        ("bookings", "view_note"),
        ("bookings", "view_statuschange"),
        # Call scheduling: the agenda, cancelling calls, callers' hours and time off.
        ("bookings", "view_callbooking"),
        ("bookings", "change_callbooking"),
        ("bookings", "view_caller"),
        ("bookings", "change_caller"),
        ("bookings", "view_callhours"),
        ("bookings", "add_callhours"),
        ("bookings", "change_callhours"),
        ("bookings", "delete_callhours"),
        ("bookings", "view_timeoff"),
        ("bookings", "add_timeoff"),
        ("bookings", "change_timeoff"),
        ("bookings", "delete_timeoff"),
        ("bookings", "view_schedulingsettings"),
    ],
    # See how the clinic is doing: counts and times only, never a request or a name.
    # (An entry may name the model a permission belongs to as a third item.)
    MANAGER: [
        ("bookings", "view_metrics", "consultationrequest"),
    ],
    # Write and update articles and the clinic's details. Never sees a request.
    EDITOR: [
        ("pages", "add_article"),
        ("pages", "change_article"),
        ("pages", "view_article"),
        ("pages", "add_articlefaq"),
        ("pages", "change_articlefaq"),
        ("pages", "view_articlefaq"),
        ("pages", "add_clinician"),
        ("pages", "change_clinician"),
        ("pages", "view_clinician"),
        ("pages", "change_clinicprofile"),
        ("pages", "view_clinicprofile"),
    ],
    # The medical director and other clinicians who sign off articles: read every draft,
    # approve it or send it back with a comment. Editing is the editors' job; a reviewer who
    # also edits a draft cannot approve that draft (pages/review.py).
    CLINICAL_REVIEWER: [
        ("pages", "view_article"),
        ("pages", "view_articlefaq"),
        ("pages", "view_clinician"),
        ("pages", "approve_article", "article"),
    ],
}


def sync_roles(apps=global_apps, using="default") -> None:
    """Create the groups and give them every listed permission whose model exists."""
    Group = apps.get_model("auth", "Group")
    for name, permissions in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        found = [p for p in (_permission(apps, using, *entry) for entry in permissions) if p]
        group.permissions.add(*found)


def _permission(apps, using, app_label: str, codename: str, model_name: str = ""):
    """Return the permission, creating it if its model exists but it does not yet.

    The model is the codename's second half ("view_note": note) unless named, as a model's own
    extra permission ("view_metrics", on consultationrequest) must be.
    """
    action, default_model_name = codename.split("_", 1)
    model_name = model_name or default_model_name
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.using(using).get_or_create(
        app_label=app_label, model=model._meta.model_name
    )
    permission, _ = Permission.objects.using(using).get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={
            "name": dict(model._meta.permissions).get(
                codename, f"Can {action} {model._meta.verbose_name}"
            )
        },
    )
    return permission
