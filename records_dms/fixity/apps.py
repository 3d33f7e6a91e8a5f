from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FixityConfig(AppConfig):
    name = "records_dms.fixity"
    label = "fixity"
    verbose_name = _("Fixity")

    def ready(self) -> None:
        from records_dms.archive.daily import daily_job_register
        from records_dms.fixity import events  # noqa: F401  (declares its audit events)
        from records_dms.fixity.checkpoints import checkpoints_mail_daily
        from records_dms.fixity.services import fixity_daily

        daily_job_register("fixity", fixity_daily)
        daily_job_register("fixity.checkpoints", checkpoints_mail_daily)
