from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IngestionConfig(AppConfig):
    name = "ingestion"
    label = "ingestion"
    verbose_name = _("Ingestion")

    def ready(self) -> None:
        from ingestion.selectors import todo
        from records_dms.common.todo import todo_register

        todo_register("ingestion", todo, order=20)
        from ingestion import checks  # noqa: F401  (registers the system checks)
        from ingestion.admin import hooks  # noqa: F401  (its Wagtail admin screens)
