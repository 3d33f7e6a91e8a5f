from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "records_dms.archive"
    label = "archive"
    verbose_name = _("Archive")

    def ready(self) -> None:
        from records_dms import checks  # noqa: F401  (registers the system checks)
