"""`make bench-load`: searches and dossier views by concurrent users against the real server.

1. Prepares an archive in a scratch data dir (DMS_DATA_DIR, SQLite database and index):

   * ``--index PATH``: a search index built before by benchmarks/search.py (building 100,000
     pages from scratch takes about an hour here, jieba segmenting) is copied to the data
     dir's index location (``DATA_DIR/search.sqlite3``, settings.SEARCH_BACKENDS), and the
     database rows that agree with it (customers, records with the same ids, references,
     types, dates, levels and states, their pages with the same text) are written from its
     ``pages`` table with ``bulk_create`` in batches. This BYPASSES the services: no audit
     events, no retention due dates and no originals (records without an original, which the
     model allows, as `make_record` makes them), so only the figures for reading are real.
   * without ``--index``: ``--pages N`` pages from the same generator as benchmarks/search.py,
     the same bulk rows, then the index built the normal way (``search_rebuild``, what
     ``dms reindex`` runs). The figures are then for that size, not 100,000 pages.

2. Makes an auditor and staff members (each granted a few customers, cleared up to
   confidential) through the services, starts the real server (``dms run --no-worker``:
   waitress, 8 threads, DEBUG off, the production settings) on loopback, warms it with one
   pass of the queries, and runs locust headless (benchmarks/locustfile.py): each user takes
   a signed-in session of its own (made in advance in the session store, as a sign-in makes
   one: a PBKDF2 sign-in costs about a second of CPU, which would eat a short run), then
   searches (admin search page, GET /api/v1/search/) and opens dossier and record pages with
   no think time; staff responses are checked for hits
   outside their grant, and staff probe a dossier and records they may not see (must be 404).

3. Reports throughput and p50/p95/p99 per request type and overall, the
   load average before and during the run, and the server's CPU, in ``--out``
   (benchmarks/load-results.md) and as JSON (``--json``).

    .venv/bin/python benchmarks/load.py --index /tmp/bench-search-100k/search.sqlite3
    .venv/bin/python benchmarks/load.py --pages 2000 --users 20 --seconds 60
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import secrets
import shlex
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: `python benchmarks/load.py`
    sys.path.insert(0, str(ROOT))

from benchmarks.search import CUSTOMERS, QUERIES, SEEDS, generate, sentences  # noqa: E402

BATCH = 5000  # pages per bulk insert
STAFF_ACCOUNTS = 4
GRANTS_PER_STAFF = 5
AUDITOR_RECORDS = 5000  # record ids the auditor's users pick from
LOCUSTFILE = ROOT / "benchmarks" / "locustfile.py"


def log(message: str) -> None:
    print(f"[bench-load] {message}", file=sys.stderr, flush=True)


# 1. The archive ---------------------------------------------------------------------------


@dataclass
class Row:
    """One page of the archive, as the search index's ``pages`` table holds it."""

    record_id: int
    page: int
    reference: str
    customer_id: int
    customer: str
    record_type: str
    title: str
    document_date: str
    confidentiality: str
    state: str
    text: str


def index_rows(path: Path) -> Iterator[Row]:
    """The pages of an index built by benchmarks/search.py (its plain ``pages`` table)."""
    con = sqlite3.connect(path)
    try:
        cursor = con.execute(
            "SELECT record_id, page, reference, customer_id, customer, record_type, title,"
            " document_date, confidentiality, state, text FROM pages ORDER BY record_id, page"
        )
        for values in cursor:
            yield Row(*values)
    finally:
        con.close()


def generated_rows(pages: int) -> Iterator[Row]:
    for doc in generate(pages, sentences(SEEDS)):
        date = doc.document_date.isoformat() if doc.document_date else ""
        yield Row(
            doc.record_id, doc.page, doc.reference, doc.customer_id, doc.customer,
            doc.record_type, doc.title, date, doc.confidentiality, doc.state, doc.text,
        )  # fmt: skip


def setup_django(data_dir: Path) -> None:
    os.environ["DMS_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DMS_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "records_dms.settings"
    # The embedded engines in the scratch dir: never a shared PostgreSQL or Elasticsearch.
    for name in ("DMS_DATABASE_URL", "DMS_SEARCH_BACKEND", "DMS_DEBUG", "DMS_TASKS"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def bulk_load(rows: Iterable[Row]) -> tuple[int, int]:
    """Customers, records and pages in big bulk inserts (no services): (records, pages)."""
    from django.db import transaction

    from records_dms.archive.models import Channel, Customer, Page, PageSource, Record

    Customer.objects.bulk_create(
        Customer(
            pk=number,
            code=f"KH-{number:04d}",
            name=f"负载测试客户{number:03d}有限公司",
            industry="制造业",
            region="华东",
        )
        for number in range(1, CUSTOMERS + 1)
    )
    records: list[Record] = []
    pages: list[Page] = []
    counts = [0, 0]
    last_record = 0

    def flush() -> None:
        with transaction.atomic():
            Record.objects.bulk_create(records, batch_size=1000)
            Page.objects.bulk_create(pages, batch_size=1000)
        counts[0] += len(records)
        counts[1] += len(pages)
        records.clear()
        pages.clear()

    for row in rows:
        if row.record_id != last_record:
            if len(pages) >= BATCH:
                flush()
                if counts[1] % 20_000 < BATCH:
                    log(f"{counts[1]:,} pages written")
            date = datetime.date.fromisoformat(row.document_date)
            code = f"KH-{row.customer_id:04d}"
            if row.customer != code:
                raise SystemExit(f"customer {row.customer_id} is {row.customer}, not {code}")
            records.append(
                Record(
                    pk=row.record_id,
                    customer_id=row.customer_id,
                    reference=row.reference,
                    type=row.record_type,
                    title=row.title,
                    document_date=date,
                    received_date=date,
                    channel=Channel.SCAN,
                    confidentiality=row.confidentiality,
                    state=row.state,
                    page_count=0,
                )
            )
            last_record = row.record_id
        records[-1].page_count += 1
        pages.append(
            Page(record_id=row.record_id, number=row.page, text=row.text, source=PageSource.OCR)
        )
    flush()
    return counts[0], counts[1]


@dataclass
class Archive:
    records: int
    pages: int
    source: str
    seconds: float


def prepare(data_dir: Path, index: Path | None, pages: int) -> Archive:
    started = time.perf_counter()
    setup_django(data_dir)
    from django.conf import settings

    target = Path(settings.SEARCH_BACKENDS["default"]["PATH"])  # type: ignore[arg-type]
    if index is not None:
        log(f"copying {index} to {target}")
        shutil.copyfile(index, target)
        records, written = bulk_load(index_rows(target))
        source = f"the index {index} (copied), rows bulk-inserted to agree with it"
    else:
        records, written = bulk_load(generated_rows(pages))
        from records_dms.archive.indexing import search_rebuild

        log(f"indexing {written:,} pages (search_rebuild, as `dms reindex`)")
        indexed = search_rebuild()
        if indexed != written:
            raise SystemExit(f"indexed {indexed} pages of {written}")
        source = "generated (benchmarks/search.py's generator), indexed by search_rebuild"
    from search import get_backend, reset_backends

    indexed_records = len(get_backend().indexed_records())
    reset_backends()
    if indexed_records != records:
        raise SystemExit(f"the index holds {indexed_records} records, the database {records}")
    return Archive(records, written, source, time.perf_counter() - started)


def signed_in(user: Any, count: int) -> list[str]:
    """``count`` sessions of ``user``, stored as a sign-in stores them (as Client.force_login)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    engine = import_module(settings.SESSION_ENGINE)
    keys = []
    for _ in range(count):
        store = engine.SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        keys.append(str(store.session_key))
    return keys


def make_accounts(users: int, seed: int = 11) -> dict[str, list[dict[str, Any]]]:
    """An auditor and staff members with grants, through the services; what locust needs
    (each account gets ``users`` sessions: at most one per locust user)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db.models import Count

    from records_dms.accounts import roles
    from records_dms.accounts.policy import policy
    from records_dms.accounts.services import clearance_set, grant_create
    from records_dms.archive.models import Customer, Record
    from records_dms.archive.selectors import visible_records

    rng = random.Random(seed)  # noqa: S311 (load mix, not secrets)
    password = secrets.token_urlsafe(16)  # never used: the sessions are made signed in
    user_model = get_user_model()

    def account(username: str, role: str, level: str) -> Any:
        user = user_model.objects.create_user(username, f"{username}@example.invalid", password)
        user.groups.add(Group.objects.get(name=role))
        clearance_set(user=user, level=level, actor=None)
        return user

    populated = list(Customer.objects.annotate(n=Count("records")).filter(n__gt=0).order_by("pk"))
    rng.shuffle(populated)
    auditor = account("load-auditor", roles.AUDITOR, roles.Confidentiality.SECRET)
    all_ids = list(Record.objects.values_list("pk", flat=True))
    plan: dict[str, list[dict[str, Any]]] = {
        "auditor": [
            {
                "username": auditor.username,
                "customers": [],
                "customer_ids": [c.pk for c in populated],
                "records": rng.sample(all_ids, min(AUDITOR_RECORDS, len(all_ids))),
                "visible": [],
                "sessions": signed_in(auditor, users + 1),
            }
        ],
        "staff": [],
    }
    grants = max(1, min(GRANTS_PER_STAFF, len(populated) // (STAFF_ACCOUNTS + 1)))
    for number in range(STAFF_ACCOUNTS):
        user = account(f"load-staff-{number + 1}", roles.STAFF, roles.Confidentiality.CONFIDENTIAL)
        granted = populated[number * grants : (number + 1) * grants]
        for customer in granted:
            grant_create(user=user, customer=customer, actor=None)
        policy.forget(user)
        visible = sorted(visible_records(user=user).values_list("pk", flat=True))
        others = Record.objects.exclude(customer__in=granted)
        above = Record.objects.filter(customer__in=granted, confidentiality="secret")
        forbidden = list(others.values_list("pk", flat=True)[:5]) + list(
            above.values_list("pk", flat=True)[:5]
        )
        outside = next(c for c in populated if c not in granted)
        plan["staff"].append(
            {
                "username": user.username,
                "customers": [c.code for c in granted],
                "customer_ids": [c.pk for c in granted],
                "records": visible,
                "visible": visible,
                "forbidden_customer": outside.pk,
                "forbidden_records": forbidden,
                "sessions": signed_in(user, users),
            }
        )
    return plan


# 2. The server and the load ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "records_dms", "run", "--no-worker", "--port", str(port)]
    log(f"starting the server: {shlex.join(command)}")
    output = (data_dir / "server.log").open("wb")
    server = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped: see {data_dir / 'server.log'}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/admin/login/", timeout=5):
                return server
        except OSError:
            time.sleep(0.5)
    stop_server(server)
    raise SystemExit("the server did not answer within 300 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def warm_up(host: str, plan: dict[str, Any]) -> float:
    """One pass of the queries as the auditor (loads jieba, warms caches): its seconds."""
    import requests

    started = time.perf_counter()
    account = plan["accounts"]["auditor"][0]
    session = requests.Session()
    session.cookies.set("sessionid", account["sessions"][-1])
    for text in plan["queries"]:
        response = session.get(f"{host}/api/v1/search/", params={"q": text}, timeout=120)
        response.raise_for_status()
    account["sessions"].pop()  # the locust users take the others
    return time.perf_counter() - started


class LoadWatch(threading.Thread):
    """Samples the 1-minute load average and the server's CPU time every 2 s."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process(pid)
        self.samples: list[float] = []
        self.cpu_start = self._cpu()
        self.cpu_seconds = 0.0
        self.done = threading.Event()

    def _cpu(self) -> float:
        times = self.process.cpu_times()
        return float(times.user + times.system)

    def run(self) -> None:
        while not self.done.wait(2.0):
            self.samples.append(os.getloadavg()[0])
        self.cpu_seconds = self._cpu() - self.cpu_start


def run_locust(
    host: str, plan_path: Path, out: Path, users: int, rate: int, seconds: int
) -> tuple[list[str], Path]:
    samples = out / "samples.jsonl"
    samples.unlink(missing_ok=True)
    command = [
        str(Path(sys.executable).with_name("locust")), "-f", str(LOCUSTFILE), "--headless",
        "-u", str(users), "-r", str(rate), "-t", f"{seconds}s", "--host", host,
        "--csv", str(out / "locust"), "--only-summary", "--stop-timeout", "10",
        "--loglevel", "WARNING",
    ]  # fmt: skip
    log(f"running: {shlex.join(command)}")
    env = {**os.environ, "LOAD_PLAN": str(plan_path), "LOAD_SAMPLES": str(samples)}
    subprocess.run(command, env=env, check=False, cwd=ROOT, stdout=subprocess.DEVNULL)
    return command, samples


# 3. The figures ---------------------------------------------------------------------------


def percentile(ordered: list[float], fraction: float) -> float:
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


@dataclass
class Figures:
    name: str
    count: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float
    max: float
    statuses: dict[str, int] = field(default_factory=dict)


def summarise(samples: Path) -> tuple[list[Figures], list[str], float]:
    """Figures per request type and overall, the failures, the seconds."""
    lines = [json.loads(line) for line in samples.read_text().splitlines() if line.strip()]
    work = lines
    if not work:
        raise SystemExit("no requests were made: see the locust output")
    span = max(line["at"] for line in work) - min(line["at"] - line["ms"] / 1000 for line in work)
    errors = [f"{line['name']}: {line['error']}" for line in lines if not line["ok"]]
    figures = []
    names = sorted({line["name"] for line in work})
    for name in [*names, "overall"]:
        chosen = [line for line in work if name in ("overall", line["name"])]
        ordered = sorted(line["ms"] for line in chosen)
        statuses: dict[str, int] = {}
        for line in chosen:
            statuses[str(line["status"])] = statuses.get(str(line["status"]), 0) + 1
        figures.append(
            Figures(
                name=name,
                count=len(chosen),
                failures=sum(not line["ok"] for line in chosen),
                rps=len(chosen) / span,
                p50=statistics.median(ordered),
                p95=percentile(ordered, 0.95),
                p99=percentile(ordered, 0.99),
                max=ordered[-1],
                statuses=statuses,
            )
        )
    return figures, errors, span


def roles_seen(samples: Path) -> dict[str, int]:
    """Requests per role (auditor, staff)."""
    counts: dict[str, int] = {}
    for line in samples.read_text().splitlines():
        if line.strip():
            role = json.loads(line)["role"]
            counts[role] = counts.get(role, 0) + 1
    return counts


def report(result: dict[str, Any]) -> str:
    archive, load = result["archive"], result["load"]
    rows = "\n".join(
        f"| {f['name']} | {f['count']:,} | {f['failures']} | {f['rps']:.1f} | {f['p50']:.0f} |"
        f" {f['p95']:.0f} | {f['p99']:.0f} | {f['max']:.0f} |"
        for f in result["figures"]
    )
    before = " / ".join(f"{value:.2f}" for value in load["loadavg_before"])
    overall = result["figures"][-1]
    cpu = load["server_cpu_seconds"]
    return f"""# Load: searches and dossier views by concurrent users (`make bench-load`)

Measured {result["date"]} on {result["machine"]}, {result["cpus"]} cores shared with other
work (see the load average). Commands:

    {result["command"]}
    {result["locust_command"]}

- Archive: {archive["pages"]:,} pages in {archive["records"]:,} records of {CUSTOMERS}
  customers; {archive["source"]}; prepared in {archive["seconds"]:.0f} s. SQLite database
  and SQLite FTS5 index in a scratch data dir; records have no stored originals.
- Server: `dms run --no-worker` (waitress, 8 threads, DEBUG off), on 127.0.0.1; warmed
  with one pass of the {len(QUERIES)} queries ({load["warm_up_seconds"]:.1f} s).
- Load: {load["users"]} locust users (spawned {load["spawn_rate"]}/s, {load["seconds"]} s,
  no think time), 1 auditor user in 4, the rest staff (4 accounts, {GRANTS_PER_STAFF}
  customers each, cleared to confidential). Mix: search page 3, search API 3, dossier 2,
  record 2, and for staff 1 probe of a dossier and a record outside the grant (must be
  404). Staff filter half their searches to one granted customer; the auditor searches the
  whole archive. Queries: benchmarks/search.py's set (two-character words, phrases, QMS
  codes, English).
- Load average (1/5/15 min) before preparing: {before}; during the run (1 min, sampled
  every 2 s): mean {load["loadavg_mean"]:.2f}, max {load["loadavg_max"]:.2f}.
- The server used {cpu:.0f} CPU seconds in {result["span"]:.0f} s
  ({cpu / result["span"]:.2f} of a core), {1000 * cpu / overall["count"]:.0f} ms of CPU
  per request; locust ran on the same machine.

Times in milliseconds, throughput in requests per second over {result["span"]:.0f} s
(each locust user on a signed-in session of its own, made before the run):

| request | count | failed | req/s | p50 | p95 | p99 | max |
| --- | --- | --- | --- | --- | --- | --- | --- |
{rows}

Permission leaks (a staff hit, facet or page outside the grant, or a probe not answered
404): **{result["leaks"]}**. Failed requests: {result["failed"]}.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, help="a search.sqlite3 built by search.py")
    parser.add_argument("--pages", type=int, default=2000, help="without --index")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--data-dir", type=Path, help="scratch data dir (default: a temp dir)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "load-results.md")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    command = shlex.join(["python", "benchmarks/load.py", *(argv or sys.argv[1:])])

    scratch = None
    if args.data_dir is None:
        scratch = tempfile.mkdtemp(prefix="dms-bench-load-")
        args.data_dir = Path(scratch)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    loadavg_before = os.getloadavg()
    begun = time.perf_counter()
    try:
        archive = prepare(args.data_dir, args.index, args.pages)
        log(
            f"archive ready: {archive.pages:,} pages, {archive.records:,} records "
            f"in {archive.seconds:.0f} s"
        )
        plan = {"accounts": make_accounts(args.users), "queries": list(QUERIES)}
        plan_path = args.data_dir / "load-plan.json"
        fd = os.open(plan_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(plan, handle)
        from django.db import connections

        connections.close_all()
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        server = start_server(args.data_dir, port)
        log(f"server ready at {time.perf_counter() - begun:.0f} s")
        try:
            warm_seconds = warm_up(host, plan)
            watch = LoadWatch(server.pid)
            watch.start()
            locust_command, samples = run_locust(
                host, plan_path, args.data_dir, args.users, args.spawn_rate, args.seconds
            )
            log(f"load done at {time.perf_counter() - begun:.0f} s")
            watch.done.set()
            watch.join()
        finally:
            stop_server(server)
        figures, errors, span = summarise(samples)
        leaks = sum(error.split(": ", 1)[1].startswith("leak") for error in errors)
        result = {
            "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "machine": f"{platform.system()} {platform.machine()}, Python "
            f"{platform.python_version()}",
            "cpus": os.cpu_count(),
            "command": command,
            "locust_command": shlex.join(["locust", *locust_command[1:]]).replace(
                str(ROOT) + "/", ""
            ),
            "archive": archive.__dict__,
            "load": {
                "users": args.users,
                "spawn_rate": args.spawn_rate,
                "seconds": args.seconds,
                "warm_up_seconds": warm_seconds,
                "loadavg_before": list(loadavg_before),
                "loadavg_mean": statistics.mean(watch.samples or [0.0]),
                "loadavg_max": max(watch.samples or [0.0]),
                "server_cpu_seconds": watch.cpu_seconds,
            },
            "span": span,
            "figures": [figure.__dict__ for figure in figures],
            "failed": len(errors),
            "errors": errors[:20],
            "leaks": leaks,
            "roles": roles_seen(samples),
        }
        args.out.write_text(report(result), encoding="utf-8")
        if args.json:
            args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False))
        overall = figures[-1]
        log(
            f"{overall.count:,} requests, {overall.rps:.1f}/s, p50 {overall.p50:.0f} ms, "
            f"p95 {overall.p95:.0f} ms; {len(errors)} failed, {leaks} leaks; see {args.out}"
        )
        for error in errors[:10]:
            log(f"failed: {error}")
        return 1 if errors else 0
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
