from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InspectionConfig(AppConfig):
    name = "records_dms.inspection"
    label = "inspection"
    verbose_name = _("Four-property check")

    def ready(self) -> None:
        from records_dms.archive.daily import daily_job_register
        from records_dms.inspection import (
            events,  # noqa: F401  (declares its audit events)
            permissions,  # noqa: F401  (declares its permissions)
            system_checks,  # noqa: F401  (the scanner is there)
        )
        from records_dms.inspection.services import inspection_daily

        # A share of the archive is checked again each day, on the product's daily chain.
        daily_job_register("inspection", inspection_daily)
        from ingestion.events import record_filed
        from records_dms.inspection.receivers import on_record_filed, on_transfer_received
        from records_dms.transfer.events import transfer_received

        # Received transfers are checked before they are kept (移交接收检测).
        transfer_received.connect(on_transfer_received, dispatch_uid="inspection-on-transfer")
        # Each file is checked as it is filed.
        record_filed.connect(on_record_filed, dispatch_uid="inspection-on-filing")
        from records_dms.inspection.admin import hooks  # noqa: F401  (its Wagtail admin screens)
