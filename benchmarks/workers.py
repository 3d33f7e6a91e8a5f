"""`make bench-workers`: ingestion throughput with 1, 2 and 4 RQ workers on Redis.

Scanned one-page PDFs (rendered here from the seed texts, so every page goes through OCR) are
queued with `dms import` (DMS_TASKS=rq), then N `dms worker --batch` processes empty the queue;
the time is from the workers' start until the last one exits. Each N gets a fresh data folder
and database: SQLite by default, or a new PostgreSQL database per run when
DMS_BENCH_DATABASE_URL names a role that may create databases. Redis: DMS_REDIS_URL (database
14 of it is emptied and used). Results go to stdout and benchmarks/workers-results.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import render  # noqa: E402

CUSTOMER = "BENCH-0001"


def scans(folder: Path, count: int, lines: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, page in enumerate(render.page_texts(count, lines, seed=7)):
        path = folder / f"scan-{n:03d}.pdf"
        render.render_page(page).convert("L").save(path, format="PDF", resolution=render.DPI)
        paths.append(path)
    return paths


def dms(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "records_dms", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"dms {' '.join(args[:2])} failed: {done.stderr[-2000:]}")
    return done.stdout


def database_for(run: str, data_dir: Path) -> tuple[str, str | None]:
    admin = os.environ.get("DMS_BENCH_DATABASE_URL")
    if not admin:
        return f"sqlite:///{data_dir / 'dms.sqlite3'}", None
    import psycopg

    name = f"dms_bench_{run}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return admin.rsplit("/", 1)[0] + f"/{name}", name


def drop(name: str | None) -> None:
    if name:
        import psycopg

        with psycopg.connect(os.environ["DMS_BENCH_DATABASE_URL"], autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def load() -> str:
    """The 1-minute load average (the machine is shared: other work skews the figures)."""
    return f"{os.getloadavg()[0]:.1f}"


def one_run(workers: int, files: list[Path], redis_url: str) -> tuple[float, str, str]:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    with tempfile.TemporaryDirectory(prefix="dms-bench-workers-") as tmp:
        data_dir = Path(tmp)
        url, name = database_for(str(workers), data_dir)
        env = {
            **os.environ,
            "DMS_DATA_DIR": str(data_dir),
            "DMS_DATABASE_URL": url,
            "DMS_TASKS": "rq",
            "DMS_REDIS_URL": redis_url,
            "DMS_OCR_WORKERS": "1",
            "DMS_LANGUAGE": "en",
        }
        try:
            dms(env, "manage", "migrate", "--noinput", "-v0")
            dms(env, "customer", "add", CUSTOMER, "基准测试客户")
            dms(env, "import", *map(str, files), "--customer", CUSTOMER, "--type", "minutes")
            before = load()
            started = time.monotonic()
            processes = [
                subprocess.Popen(
                    [sys.executable, "-m", "records_dms", "worker", "--batch"],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for _ in range(workers)
            ]
            for process in processes:
                process.wait()
            elapsed = time.monotonic() - started
            after = load()
            filed = dms(
                env,
                "manage",
                "shell",
                "-c",
                "from ingestion.models import IngestionJob as J; "
                "print(J.objects.filter(status='filed').count())",
            )
            count = int(filed.strip().splitlines()[-1])
            if count != len(files):
                raise SystemExit(f"{workers} workers filed {count} of {len(files)} files")
        finally:
            drop(name)
    return elapsed, before, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=12)
    parser.add_argument("--lines", type=int, default=12, help="lines of Chinese per page")
    parser.add_argument("--workers", default="1,2,4")
    args = parser.parse_args()
    base = os.environ.get("DMS_REDIS_URL", "redis://127.0.0.1:6379/0")
    redis_url = base.rsplit("/", 1)[0] + "/14"
    with tempfile.TemporaryDirectory(prefix="dms-bench-scans-") as tmp:
        files = scans(Path(tmp), args.files, args.lines)
        rows = []
        for workers in [int(n) for n in args.workers.split(",")]:
            seconds, before, after = one_run(workers, files, redis_url)
            rows.append((workers, seconds, len(files) * 60 / seconds, before, after))
            print(
                f"{workers} workers: {seconds:.1f} s, {rows[-1][2]:.1f} pages/min "
                f"(load {before} → {after})",
                flush=True,
            )
    single = rows[0][1]
    database = "PostgreSQL" if os.environ.get("DMS_BENCH_DATABASE_URL") else "SQLite"
    lines = [
        "# Ingestion with RQ workers on Redis",
        "",
        f"{args.files} scanned one-page PDFs ({args.lines} lines of Chinese, OCR chi_sim+eng), "
        f"{database}, {os.cpu_count()} cores, each worker one Tesseract process. "
        "Load: the 1-minute load average at the workers' start and at their end (the machine "
        "is shared, so other work is in these figures).",
        "",
        "| workers | seconds | pages/min | speed-up | load start → end |",
        "|---|---|---|---|---|",
        *[f"| {w} | {s:.1f} | {p:.1f} | {single / s:.2f}× | {b} → {a} |" for w, s, p, b, a in rows],
        "",
    ]
    (ROOT / "benchmarks" / "workers-results.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
