"""Startup check: the virus scanner the four-property check runs is installed."""

from __future__ import annotations

import shutil
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register


@register()
def clamav_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    command = settings.INSPECTION.clamav_command
    if shutil.which(command) is None:
        return [
            Warning(
                f"ClamAV ('{command}') is not installed: the four-property check's virus scan "
                "(item 4-1) fails for every record.",
                hint="Install it: apt-get install clamav (or set DMS_CLAMAV_COMMAND).",
                id="records_dms.W170",
            )
        ]
    return []
