"""The default retention schedules (see retention/defaults.py and README, "Retention")."""

from django.db import migrations

from retention.defaults import schedules_ensure


def create_defaults(apps, schema_editor):
    schedules_ensure(apps)


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
