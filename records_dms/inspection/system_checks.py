"""Startup checks: the virus scanner the four-property check runs is installed, and a filing
does not each time load the full signature databases."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

from records_dms.inspection.checks.clamav import databases


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


@register()
def clamav_per_filing_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``clamscan`` loads its databases on every run and the check at filing runs it once per
    record: with freshclam's databases (not the shipped EICAR signature alone) that is seconds
    and hundreds of MB per filed record. ``clamd`` loads them once."""
    inspection = settings.INSPECTION
    if not inspection.on_filing or Path(inspection.clamav_command).name.startswith("clamdscan"):
        return []
    if len(databases()) < 2:  # only the shipped signature: a run costs milliseconds
        return []
    return [
        Warning(
            f"Every filing runs '{inspection.clamav_command}', which loads the signature "
            f"databases in {inspection.clamav_database_dir} each time (seconds and hundreds "
            "of MB per filed record).",
            hint="Run clamd (apt-get install clamav-daemon) and set DMS_CLAMAV_COMMAND=clamdscan.",
            id="records_dms.W171",
        )
    ]
