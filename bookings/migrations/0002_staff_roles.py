"""Create the "Front desk" and "Editor" staff groups (see bookings/roles.py)."""

from django.db import migrations

from bookings.roles import remove_roles, sync_roles


def create_roles(apps, schema_editor):
    sync_roles(apps, using=schema_editor.connection.alias)


def delete_roles(apps, schema_editor):
    remove_roles(apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("pages", "0001_clinic_profile"),
        ("bookings", "0001_consultation_requests"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
