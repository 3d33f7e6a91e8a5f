"""Run in separate processes by the worker-start test: what `dms worker` does before it takes
work (finish half-done destructions, run and queue the daily review), started at the same
moment in several processes."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from tests.concurrency import setup_django


def worker_start(database_url: str, data_dir: str, barrier: str) -> None:
    """Get ready, say so (``<barrier>.<pid>``), wait for the go (``barrier`` exists), start."""
    setup_django(database_url, data_dir)
    import os

    from django.db import connection

    from retention.services.execution import destruction_recover
    from retention.services.review import retention_daily_start

    connection.ensure_connection()
    Path(f"{barrier}.{os.getpid()}").touch()
    deadline = time.monotonic() + 120
    while not Path(barrier).exists():
        if time.monotonic() > deadline:
            raise SystemExit("no go")
        time.sleep(0.01)
    recovered = destruction_recover()
    retention_daily_start()
    print(json.dumps({"recovered": recovered}))


if __name__ == "__main__":
    worker_start(sys.argv[1], sys.argv[2], sys.argv[3])
