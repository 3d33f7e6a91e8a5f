"""Create the five role groups with their Django permissions.

What each role may do in the archive is decided by records_dms.accounts.policy; the Django
permissions here only open the Wagtail admin and, for administrators, user management.
"""

from django.db import migrations

ROLES = ["Records clerk", "QMS auditor", "Compliance officer", "Staff", "Administrator"]
ADMIN_PERMISSIONS = [
    ("auth", "user", ["add_user", "change_user", "delete_user", "view_user"]),
    ("auth", "group", ["add_group", "change_group", "delete_group", "view_group"]),
]


def _permission(apps, app_label, model, codename):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename,
        defaults={"name": codename.replace("_", " ").capitalize()},
    )
    return permission


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    access_admin = _permission(apps, "wagtailadmin", "admin", "access_admin")
    for name in ROLES:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(access_admin)
    administrators = Group.objects.get(name="Administrator")
    for app_label, model, codenames in ADMIN_PERMISSIONS:
        for codename in codenames:
            administrators.permissions.add(_permission(apps, app_label, model, codename))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
