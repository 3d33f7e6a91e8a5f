from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """QMS views: complaint register, satisfaction surveys, role dashboards, auditor exports."""

    name = "records_dms.reports"
    label = "reports"
    verbose_name = _("QMS reports")

    def ready(self) -> None:
        # The panels and summary lines whose data lives in the archive and ingestion.
        from records_dms.reports import (  # noqa: F401
            builtin_panels,
            builtin_summary,
            events,
            permissions,
        )
        from records_dms.reports.admin import hooks  # noqa: F401  (its Wagtail admin screens)
