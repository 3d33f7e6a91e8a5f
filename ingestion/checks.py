"""Startup checks for the programs and data the archive needs on this machine."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


def _tesseract_languages(command: str) -> set[str]:
    result = subprocess.run(
        [command, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
    )
    lines = (result.stdout + result.stderr).splitlines()
    return {line.strip() for line in lines[1:] if line.strip()}


@register()
def ocr_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    command = settings.INGESTION.tesseract_cmd
    if shutil.which(command) is None:
        return [
            Error(
                f"Tesseract ('{command}') is not installed, so scans cannot be read.",
                hint="Install it: apt-get install tesseract-ocr tesseract-ocr-chi-sim "
                "tesseract-ocr-eng (or set DMS_TESSERACT_CMD).",
                id="records_dms.E001",
            )
        ]
    wanted = set(settings.INGESTION.ocr_languages.split("+"))
    missing = sorted(wanted - _tesseract_languages(command))
    if missing:
        packages = " ".join(f"tesseract-ocr-{lang.replace('_', '-')}" for lang in missing)
        return [
            Error(
                f"Tesseract has no language data for {', '.join(missing)}.",
                hint=f"Install it: apt-get install {packages}",
                id="records_dms.E002",
            )
        ]
    return []


@register()
def pdf_tools_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if shutil.which("pdftoppm") is None:
        return [
            Warning(
                "pdftoppm is not installed: scanned PDFs cannot be rasterised for OCR.",
                hint="Install it: apt-get install poppler-utils",
                id="records_dms.W001",
            )
        ]
    return []
