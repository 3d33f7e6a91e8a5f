from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "records_dms.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from records_dms.audit import events, permissions  # noqa: F401  (declares them)
        from records_dms.audit.admin import hooks  # noqa: F401  (its Wagtail admin screens)
