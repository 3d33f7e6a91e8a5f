from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The Wagtail admin screens for every role: thin views over the archive services."""

    name = "records_dms.web"
    label = "web"
    verbose_name = _("Archive screens")
