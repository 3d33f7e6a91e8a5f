"""DA/T 22-2015 retention classes on schedules: 永久 (Y), 定期30年 (D30), 定期10年 (D10), custom.

Existing schedules keep their periods; one that already is a standard class (keep permanently,
exactly 10 or 30 years) is marked as that class, every other one stays custom.
"""

from django.db import migrations, models


def classes_backfill(apps, schema_editor):
    model = apps.get_model("retention", "RetentionSchedule")
    for schedule in model.objects.all():
        period = (schedule.period_years, schedule.period_months, schedule.period_days)
        if schedule.disposition == "keep_permanently":
            schedule.retention_class = "Y"
        elif period in ((10, 0, 0), (30, 0, 0)):
            schedule.retention_class = f"D{period[0]}"
        else:
            continue
        schedule.save(update_fields=["retention_class"])


class Migration(migrations.Migration):
    dependencies = [("retention", "0004_destructionitem_version_ids")]
    operations = [
        migrations.AddField(
            model_name="retentionschedule",
            name="retention_class",
            field=models.CharField(
                blank=True,
                choices=[
                    ("Y", "Permanent (永久)"),
                    ("D30", "30 years (定期30年)"),
                    ("D10", "10 years (定期10年)"),
                    ("", "Custom (own period)"),
                ],
                max_length=4,
                verbose_name="retention class",
            ),
        ),
        migrations.RunPython(classes_backfill, migrations.RunPython.noop),
    ]
