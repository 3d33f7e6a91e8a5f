"""The chaos harness's scratch deployment (its own data folder, `dms` run as a child process),
its inputs, and what one run records (benchmarks/chaos.py)."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CUSTOMER = "KH-0001"


@dataclass
class Run:
    number: int
    kind: str  # import-wait, import-queued, destruction
    kill: str  # the point (NAME@N) or the delay
    killed: bool = False
    files: int = 0
    acknowledged: int = 0
    filed: int = 0
    destroyed: int = 0
    seconds: float = 0.0
    violations: list[str] = field(default_factory=list)


# The scratch deployment ----------------------------------------------------------------------


class Deployment:
    """A scratch data folder, used by the child processes and (for checks) by this one."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("DMS_") and key != "DJANGO_SETTINGS_MODULE"
        }
        self.env.update(
            {
                "DMS_DATA_DIR": str(data_dir),
                "DMS_TASKS": "database",
                "DMS_OCR_WORKERS": "1",
                "OMP_THREAD_LIMIT": "1",
                "DMS_LOG_LEVEL": "WARNING",
                "DMS_STALE_WORK_MINUTES": "0",  # the restart clears every leftover at once
                "PYTHONPATH": str(ROOT),
            }
        )

    def setup(self) -> None:
        os.environ.update(self.env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "records_dms.settings"
        for key in [k for k in os.environ if k.startswith("DMS_") and k not in self.env]:
            del os.environ[key]
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group
        from django.core.management import call_command

        from records_dms.accounts import roles
        from records_dms.archive.services import customer_create

        call_command("migrate", interactive=False, verbosity=0)
        for username, role in (("clerk", roles.CLERK), ("compliance", roles.COMPLIANCE)):
            user = get_user_model().objects.create_user(
                username, f"{username}@example.invalid", "chaos-harness-password"
            )
            user.groups.add(Group.objects.get(name=role))
        customer_create(code=CUSTOMER, name="混沌测试有限公司", actor=None)

    def dms(self, *args: str, kill_at: str = "") -> subprocess.Popen[str]:
        env = dict(self.env)
        if kill_at:
            env["DMS_CHAOS_KILL_AT"] = kill_at
        return subprocess.Popen(
            [sys.executable, "-m", "records_dms", *args],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, *args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "records_dms", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        log_output(done.args, done.stderr)
        return done


def run_killed(
    process: subprocess.Popen[str],
    delay: float | None,
    idle: Callable[[], bool] | None = None,
    timeout: float = 600,
) -> tuple[bool, str, str]:
    """Wait for the process, killing it after ``delay`` seconds (or once ``idle`` says it has
    nothing left to do, for a worker that never ends); whether it died by SIGKILL."""
    started = time.monotonic()
    limit = delay if delay is not None else timeout
    while process.poll() is None:
        if time.monotonic() - started >= limit or (idle is not None and idle()):
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.1)
    out, err = process.communicate()
    log_output(process.args, err)
    return process.returncode == -signal.SIGKILL, out, err


LOG: list[Path] = []  # where the children's error output goes (set by chaos())


def log_output(args: Any, err: str) -> None:
    if LOG and err.strip():
        with LOG[0].open("a") as handle:
            handle.write(f"$ {' '.join(map(str, args))}\n{err}\n")


# Inputs --------------------------------------------------------------------------------------


class Corpus:
    """Real files, each different from all others: born-digital PDFs and scans for OCR."""

    def __init__(self, folder: Path, rng: random.Random) -> None:
        self.folder, self.rng, self.count = folder, rng, 0
        folder.mkdir(parents=True, exist_ok=True)
        self.made: list[Path] = []

    def pdf(self, folder: Path) -> Path:
        from benchmarks.render import born_digital_pdf

        self.count += 1
        path, _ = born_digital_pdf(
            self.rng.randint(1, 3), folder / f"digital-{self.count}.pdf", seed=10_000 + self.count
        )
        self.made.append(path)
        return path

    def scan(self, folder: Path) -> Path:
        from benchmarks.render import page_texts, scan_page, scanned_pdf

        self.count += 1
        lines = page_texts(1, 4, seed=20_000 + self.count)[0]
        page = scan_page(lines, "clean", seed=self.count)
        if self.rng.random() < 0.5:
            path = folder / f"scan-{self.count}.jpg"
            path.write_bytes(page.jpeg)
        else:
            path = scanned_pdf([page], folder / f"scan-{self.count}.pdf")
        self.made.append(path)
        return path

    def batch(self, folder: Path) -> list[Path]:
        folder.mkdir(parents=True, exist_ok=True)
        files = [self.pdf(folder) for _ in range(self.rng.randint(1, 3))]
        if self.rng.random() < 0.4:
            files.append(self.scan(folder))
        if self.made[: -len(files)] and self.rng.random() < 0.3:  # filed before: a duplicate
            earlier = self.rng.choice(self.made[: -len(files)])
            copy = folder / f"again-{earlier.name}"
            shutil.copyfile(earlier, copy)
            files.append(copy)
        return files


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
