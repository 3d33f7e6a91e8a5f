from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LendingConfig(AppConfig):
    name = "records_dms.lending"
    label = "lending"
    verbose_name = _("Lending")

    def ready(self) -> None:
        from records_dms.archive.blockers import destruction_blocker_register

        from .selectors import on_loan_blocker

        destruction_blocker_register(on_loan_blocker)
