from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FixityConfig(AppConfig):
    name = "records_dms.fixity"
    label = "fixity"
    verbose_name = _("Fixity")
