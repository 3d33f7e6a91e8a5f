"""Create the five role groups with their Django permissions.

What each role may do in the archive is decided by records_dms.accounts.policy; the Django
permissions here only open the Wagtail admin and, for administrators, user management.
The same function runs after every migrate and flush (see AccountsConfig.ready), so the
groups come back after a test database is emptied.
"""

from django.db import migrations

from records_dms.accounts.setup import roles_ensure


def create_roles(apps, schema_editor):
    roles_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
    ]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
