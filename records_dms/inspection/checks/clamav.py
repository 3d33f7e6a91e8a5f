"""The virus scan: Debian's ClamAV over a batch of files in one run.

``clamscan`` loads its signatures on every run, so a batch is scanned by one process. It is
given the signatures shipped in ``signatures/`` (the EICAR test string: this machine cannot run
``freshclam``) and, when ``DMS_CLAMAV_DATABASE_DIR`` holds any, the databases ``freshclam``
keeps current there. ``clamdscan`` asks a running ``clamd`` instead, with that daemon's own
databases, and does not pay for loading them each time.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SHIPPED = Path(__file__).resolve().parents[1] / "signatures"
DATABASE_SUFFIXES = (".cvd", ".cld", ".cud", ".hdb", ".hsb", ".ndb", ".ldb", ".cdb", ".yar")
TIMEOUT = 600


@dataclass(frozen=True)
class ScanResult:
    infected: str = ""  # the signature's name
    error: str = ""


class ScannerMissing(Exception):
    pass


def databases() -> list[Path]:
    found = [SHIPPED]
    system = settings.INSPECTION.clamav_database_dir
    if system.is_dir() and any(p.suffix in DATABASE_SUFFIXES for p in system.iterdir()):
        found.append(system)
    return found


def _command(paths: Sequence[Path]) -> list[str]:
    program = settings.INSPECTION.clamav_command
    executable = shutil.which(program)
    if executable is None:
        raise ScannerMissing(program)
    if Path(program).name.startswith("clamdscan"):
        return [executable, "--no-summary", "--fdpass", *map(str, paths)]
    options = [f"--database={database}" for database in databases()]
    return [executable, "--no-summary", "--stdout", *options, "--", *map(str, paths)]


def scan(paths: Sequence[Path]) -> dict[Path, ScanResult]:
    """Each path's result: clean, infected (with the signature's name) or an error."""
    if not paths:
        return {}
    completed = subprocess.run(
        _command(paths), capture_output=True, timeout=TIMEOUT, check=False, text=True
    )
    results: dict[Path, ScanResult] = {}
    by_name = {str(path): path for path in paths}
    for line in completed.stdout.splitlines():
        name, _sep, verdict = line.rpartition(": ")
        path = by_name.get(name)
        if path is None:
            continue
        if verdict.endswith(" FOUND"):
            results[path] = ScanResult(infected=verdict.removesuffix(" FOUND"))
        elif verdict != "OK":
            results[path] = ScanResult(error=verdict)
        else:
            results[path] = ScanResult()
    if completed.returncode not in (0, 1):
        problem = (completed.stderr.strip().splitlines() or ["exit status 2"])[-1]
        for path in paths:
            results.setdefault(path, ScanResult(error=problem))
    for path in paths:
        results.setdefault(path, ScanResult(error="no verdict from the scanner"))
    return results
