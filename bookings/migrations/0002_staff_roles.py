"""Create the "Front desk" and "Editor" staff groups, as they were when this migration was written.

The live list is staff/roles.py, applied after every `migrate`; this migration keeps its own
frozen copy so that it does the same thing on every install, whatever that list becomes.
"""

from django.db import migrations

ROLES = {
    "Front desk": [
        ("bookings", "view_consultationrequest"),
        ("bookings", "change_consultationrequest"),
        ("bookings", "add_note"),
        ("bookings", "view_note"),
        ("bookings", "view_statuschange"),
    ],
    "Editor": [
        ("pages", "change_clinicprofile"),
        ("pages", "view_clinicprofile"),
    ],
}


def create_roles(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for name, permissions in ROLES.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        for app_label, codename in permissions:
            action, model_name = codename.split("_", 1)
            model = apps.get_model(app_label, model_name)
            content_type, _ = ContentType.objects.using(using).get_or_create(
                app_label=app_label, model=model._meta.model_name
            )
            permission, _ = Permission.objects.using(using).get_or_create(
                content_type=content_type,
                codename=codename,
                defaults={"name": f"Can {action} {model._meta.verbose_name}"},
            )
            group.permissions.add(permission)


def delete_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("pages", "0001_clinic_profile"),
        ("bookings", "0001_consultation_requests"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
