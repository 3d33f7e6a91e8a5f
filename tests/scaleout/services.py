"""The engines the scale-out tests need, found on this machine or skipped with the reason.

`scripts/services.sh` starts them (CI runs it and sets DMS_REQUIRE_SERVICES=1, which turns a
missing engine into a failure: a green CI run has really used them).
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest


def unavailable(reason: str) -> None:
    """Skip, or fail when this run must have every engine."""
    if os.environ.get("DMS_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (DMS_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2
        ):
            return True
    except OSError:
        return False


def redis_url(database: int) -> str:
    """A Redis database of its own for one test (emptied), or skip."""
    base = os.environ.get("DMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    if not reachable(base, 6379):
        unavailable(f"no Redis at {base}; scripts/services.sh starts one")
    url = base.rsplit("/", 1)[0] + f"/{database}"
    import redis

    redis.Redis.from_url(url).flushdb()
    return url


def postgres_url() -> str:
    """A PostgreSQL role that may create databases, or skip."""
    url = os.environ.get("DMS_TEST_DATABASE_URL", "postgres://dms:dms@127.0.0.1:5432/dms")
    if not reachable(url, 5432):
        unavailable(f"no PostgreSQL at {urlparse(url).hostname}; scripts/services.sh starts one")
    return url
