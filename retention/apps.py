from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _defaults_after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    from django.apps import apps as global_apps

    from retention.defaults import schedules_ensure

    schedules_ensure(kwargs.get("apps") or global_apps)


class RetentionConfig(AppConfig):
    name = "retention"
    label = "retention"
    verbose_name = _("Retention")

    def ready(self) -> None:
        from records_dms.archive.blockers import destruction_blocker_register
        from records_dms.archive.references import retention_class_register
        from records_dms.archive.triggers import record_trigger_register
        from retention import events, permissions  # noqa: F401  (declares them)
        from retention.services.filing import permanent_blocker
        from retention.services.holds import held_blocker
        from retention.services.schedules import retention_class_code, retention_on_trigger

        destruction_blocker_register(held_blocker)
        destruction_blocker_register(permanent_blocker)
        from retention.admin.panels import register as panels_register

        panels_register()
        from retention.admin import hooks  # noqa: F401  (its Wagtail admin screens)

        record_trigger_register(retention_on_trigger)
        retention_class_register(retention_class_code)
        # After migrate and after flush (transactional tests), the defaults are there.
        post_migrate.connect(_defaults_after_migrate, sender=self)
