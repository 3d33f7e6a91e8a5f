from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransferConfig(AppConfig):
    name = "records_dms.transfer"
    label = "transfer"
    verbose_name = _("Transfer")

    def ready(self) -> None:
        from records_dms.transfer import (
            events,  # noqa: F401  (declares its audit events)
            permissions,  # noqa: F401  (declares its permissions)
        )
        from records_dms.transfer.admin import hooks  # noqa: F401  (its Wagtail admin screen)
