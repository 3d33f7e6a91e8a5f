from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LendingConfig(AppConfig):
    name = "records_dms.lending"
    label = "lending"
    verbose_name = _("Lending")

    def ready(self) -> None:
        from records_dms.archive.blockers import destruction_blocker_register
        from records_dms.lending import events, permissions  # noqa: F401  (declares them)
        from records_dms.lending.selectors import on_loan_blocker

        destruction_blocker_register(on_loan_blocker)
        from records_dms.archive.daily import daily_job_register
        from records_dms.lending.overdue import loans_daily

        # Overdue loans are marked and their people e-mailed on the product's daily chain.
        daily_job_register("lending.overdue", loans_daily)
        from records_dms.lending.admin.panels import register as panels_register

        panels_register()
        from records_dms.lending.admin import hooks  # noqa: F401  (its Wagtail admin screens)
