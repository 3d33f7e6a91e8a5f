from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "records_dms.archive"
    label = "archive"
    verbose_name = _("Archive")

    def ready(self) -> None:
        from records_dms.archive import (
            indexing,
            permissions,  # noqa: F401  (declares its permissions)
        )
        from records_dms.archive.admin import hooks  # noqa: F401  (its Wagtail admin screens)

        indexing.connect()  # the search index listens to records_changed
