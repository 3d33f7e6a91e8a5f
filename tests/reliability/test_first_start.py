"""Processes starting together on a fresh data dir (two workers, a web process and
`dms worker`) make the data dir's secret key, register key and certificate key once and all
use the same ones: CI met two workers starting at once, one dying with FileExistsError on
`secret_key` (and a reader could have read a key file half written)."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from records_dms.common.keyfiles import kept_files, kept_secret

STARTERS = 8
# Every starter imports the libraries the settings import (not the settings package: its
# __init__ is what makes the key), waits for a shared moment, then reads the
# settings as every Django process does first. Making the key is slowed to 0.3 s (a machine
# short of entropy, or simply busy): the others arrive while the first is still writing it.
FIRST_IMPORT = (
    "import secrets, sys, time, dj_database_url, django.core.exceptions;"
    "token = secrets.token_urlsafe;"
    "secrets.token_urlsafe = lambda n: (time.sleep(0.3), token(n))[1];"
    "time.sleep(max(0.0, float(sys.argv[1]) - time.time()));"
    "import records_dms.settings as s; print(s.SECRET_KEY)"
)


def test_processes_starting_together_share_one_secret_key(tmp_path: Path) -> None:
    for attempt in range(2):
        data_dir = tmp_path / f"data-{attempt}"
        environment = {k: v for k, v in os.environ.items() if not k.startswith("DMS_")}
        environment["DMS_DATA_DIR"] = str(data_dir)
        start_at = str(time.time() + 2.0)
        starters = [
            subprocess.Popen(
                [sys.executable, "-c", FIRST_IMPORT, start_at],
                env=environment,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(STARTERS)
        ]
        outcomes = [starter.communicate(timeout=60) for starter in starters]
        for starter, (_out, err) in zip(starters, outcomes, strict=True):
            assert starter.returncode == 0, err[-2000:]
        keys = {out.strip() for out, _err in outcomes}
        assert len(keys) == 1 and len(keys.pop()) >= 50
        assert (data_dir / "secret_key").stat().st_mode & 0o777 == 0o600
        assert [p.name for p in data_dir.iterdir() if p.name.startswith(".secret_key")] == []


def _slow_secret(path: str, start_at: float, out: multiprocessing.Queue[bytes]) -> None:
    def make() -> bytes:
        time.sleep(0.2)  # as long as generating a key may take on a busy machine
        return os.urandom(16).hex().encode()

    time.sleep(max(0.0, start_at - time.time()))
    out.put(kept_secret(Path(path), make))


def test_one_secret_is_made_whoever_asks_at_once(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    out: multiprocessing.Queue[bytes] = context.Queue()
    path = tmp_path / "keys" / "register.pem"
    start_at = time.time() + 0.5
    workers = [
        context.Process(target=_slow_secret, args=(str(path), start_at, out))
        for _ in range(STARTERS)
    ]
    for worker in workers:
        worker.start()
    seen = {out.get(timeout=30) for _ in workers}
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    assert seen == {path.read_bytes()}  # one secret, the one kept


def test_a_key_and_its_certificate_are_made_together_or_not_at_all(tmp_path: Path) -> None:
    key, cert = tmp_path / "signing" / "key.pem", tmp_path / "signing" / "cert.pem"

    def failing() -> dict[Path, bytes]:
        raise RuntimeError("no entropy")

    with pytest.raises(RuntimeError):
        kept_files([key, cert], failing)
    assert not key.exists() and not cert.exists()
    kept_files([key, cert], lambda: {key: b"KEY", cert: b"CERT"})
    kept_files([key, cert], lambda: {key: b"OTHER", cert: b"OTHER"})  # kept, not made again
    assert (key.read_bytes(), cert.read_bytes()) == (b"KEY", b"CERT")
