"""`make chaos`: crash injection. Filing and destruction killed with SIGKILL, then checked.

Each run starts real work in a child process against a scratch data folder (its own SQLite
database, stored files and search index) and kills it with SIGKILL, either at a random
instrumented point (``records_dms.common.failpoints``: between the stages of filing, between
deleting a
file and telling the database, after the certificate is stored, ...) or after a random delay.
Then it restarts what an operator would restart (``dms worker --batch``, whose start finishes
half-done work, and ``dms destruction execute`` again if the kill came before execution began)
and checks the invariants:

- no record lost: every file ``dms import`` acknowledged before the kill is filed (record and
  stored original), and every other file is either filed or absent entirely;
- no stored file without a record and no record without its stored file (originals and
  searchable PDFs), no spooled or temporary copies left behind, no job left unfinished;
- no record destroyed outside an approved request, every record on an approved request
  destroyed, nothing else touched;
- ``dms verify --json`` passes: audit chain, lending register, checksums of the stored
  originals, search index, certificates of destruction.

    python benchmarks/chaos.py [--runs 50] [--seed S] [--json] [--keep]

Exit status 0 when no run broke an invariant. A full run (50 runs or more) writes its summary
to benchmarks/chaos-results.md.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: `python benchmarks/chaos.py`
    sys.path.insert(0, str(ROOT))

CUSTOMER = "KH-0001"
INGEST_POINTS = (
    "ingest:submitted",
    "ingest:preflight",
    "ingest:duplicatecheck",
    "ingest:storeoriginal",
    "ingest:parse",
    "ingest:normalise",
    "ingest:filerecord",
    "ingest:attachments",
    "ingest:inspect",
    "ingest:saved",
)
DESTRUCTION_POINTS = (
    "destruction:started",
    "destruction:purging",
    "destruction:files-deleted",
    "destruction:unindexed",
    "destruction:item-destroyed",
    "destruction:certificate",
    "certificate:stored",
)
PER_ITEM_POINTS = {
    "destruction:purging",
    "destruction:files-deleted",
    "destruction:unindexed",
    "destruction:item-destroyed",
}


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


# One run -------------------------------------------------------------------------------------


POINT_SHARE = [0.5]  # of runs killed at a point rather than after a delay (--points-only: 1)
_picked: dict[tuple[str, ...], int] = {}


def pick_kill(rng: random.Random, points: tuple[str, ...], items: int, delay: float) -> str:
    """A point (NAME@N) half the time, else a delay in seconds after the start.

    Points are taken in turn (a random one of the N-th passes), so every point is hit.
    """
    if rng.random() < POINT_SHARE[0]:
        turn = _picked.get(points, rng.randrange(len(points)))
        _picked[points] = turn + 1
        point = points[turn % len(points)]
        nth = rng.randint(1, items) if point in PER_ITEM_POINTS or point.startswith("ingest") else 1
        return f"{point}@{nth}"
    return f"{rng.uniform(0.5, delay):.2f}s"


def start_killed(
    deployment: Deployment, args: list[str], kill: str, idle: Callable[[], bool] | None = None
) -> tuple[bool, str, str]:
    if kill.endswith("s"):
        return run_killed(deployment.dms(*args), float(kill[:-1]), idle)
    return run_killed(deployment.dms(*args, kill_at=kill), None, idle)


def queue_empty() -> bool:
    """No filing job is waiting or running (so a worker has nothing left to do)."""
    from ingestion.models import FINAL, IngestionJob

    return not IngestionJob.objects.exclude(status__in=FINAL).exists()


def import_run(
    run: Run, deployment: Deployment, corpus: Corpus, rng: random.Random, max_delay: float
) -> dict[str, str]:
    """File a batch killed somewhere; return file → status of what was acknowledged."""
    folder = deployment.data_dir.parent / "inputs" / f"run-{run.number}"
    files = corpus.batch(folder)
    run.files = len(files)
    command = ["import", str(folder), "--customer", CUSTOMER, "--type", "minutes"]
    points = INGEST_POINTS
    if run.kind == "import-wait":
        command.append("--wait")
        run.kill = pick_kill(rng, points, len(files), max_delay)
        run.killed, out, _ = start_killed(deployment, command, run.kill)
    else:
        # Queued: the import itself may die after taking a file; else the worker dies.
        run.kill = pick_kill(rng, points, len(files), max_delay)
        if run.kill.startswith("ingest:submitted"):
            run.killed, out, _ = start_killed(deployment, command, run.kill)
        else:
            done = deployment.run(*command)
            out = done.stdout
            if done.returncode not in (0, 1):
                run.violations.append(f"import failed: {done.stderr[-500:]}")
            # A worker runs until stopped: once it is idle it is stopped the hard way too.
            run.killed, _, _ = start_killed(deployment, ["worker"], run.kill, queue_empty)
    acknowledged: dict[str, str] = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[0] in ("filed", "duplicate", "queued", "processing"):
            acknowledged[parts[2]] = parts[0]
    run.acknowledged = len(acknowledged)
    return acknowledged


def destruction_fixture(corpus: Corpus, folder: Path, rng: random.Random) -> tuple[int, list[int]]:
    """Due complaints (real files), some proposed and approved: the request id and bystanders."""
    from django.contrib.auth import get_user_model

    from ingestion.services import record_file
    from records_dms.archive.models import Customer
    from records_dms.archive.services import complaint_open, complaint_update
    from retention.services.destruction import (
        destruction_request_approve,
        destruction_request_propose,
    )

    users = get_user_model().objects
    clerk, compliance = users.get(username="clerk"), users.get(username="compliance")
    customer = Customer.objects.get(code=CUSTOMER)
    folder.mkdir(parents=True, exist_ok=True)
    records = []
    for _ in range(rng.randint(2, 4)):
        closed = datetime.date(2020, 6, 30)
        case = complaint_open(
            customer=customer,
            channel="direct",
            subject="维修不及时",
            opened_on=closed - datetime.timedelta(days=30),
            actor=clerk,
        )
        path = corpus.scan(folder) if rng.random() < 0.2 else corpus.pdf(folder)
        with path.open("rb") as stream:
            record = record_file(
                customer=customer,
                stream=stream,
                filename=path.name,
                type="complaint",
                document_date=closed - datetime.timedelta(days=20),
                actor=clerk,
                complaint=case,
            )
        complaint_update(complaint=case, actor=clerk, closed_on=closed)
        records.append(record)
    listed = records[:-1]  # the last one is due too, but on no list
    request = destruction_request_propose(records=listed, actor=clerk, reason="混沌测试")
    destruction_request_approve(request=request, actor=compliance)
    return request.pk, [records[-1].pk]


def witness_args(folder: Path) -> list[str]:
    """Two witnesses (监销人) for ``dms destruction execute``: a user and a named person, each
    with a hand signature drawn here as a PNG."""
    from PIL import Image, ImageDraw

    args = []
    for seed, who in ((1, "compliance"), (2, "赵六/纪检监察室")):
        image = Image.new("RGBA", (400, 150), (0, 0, 0, 0))
        points = [(20 + i * 30, 75 + ((i * 37 + seed * 11) % 50) - 25) for i in range(12)]
        ImageDraw.Draw(image).line(points, fill=(0, 0, 0, 255), width=3)
        path = folder / f"witness-{seed}.png"
        image.save(path, format="PNG")
        args += ["--witness", f"{who}={path}"]
    return args


def destruction_run(
    run: Run, deployment: Deployment, corpus: Corpus, rng: random.Random, max_delay: float
) -> tuple[int, list[int]]:
    from retention.models import DestructionRequest

    folder = deployment.data_dir.parent / "inputs" / f"run-{run.number}"
    request_id, bystanders = destruction_fixture(corpus, folder, rng)
    items = DestructionRequest.objects.get(pk=request_id).items.count()
    run.files = items
    run.kill = pick_kill(rng, DESTRUCTION_POINTS, items, max_delay)
    run.killed, _, _ = start_killed(
        deployment,
        [
            "destruction",
            "execute",
            str(request_id),
            *witness_args(folder),
            "--as",
            "clerk",
            "--json",
        ],
        run.kill,
    )
    return request_id, bystanders


def recover(run: Run, deployment: Deployment, request_id: int | None) -> None:
    """What an operator does after a crash: start the worker; run the execution again."""
    done = deployment.run("worker", "--batch")
    if done.returncode != 0:
        run.violations.append(f"dms worker --batch failed: {done.stderr[-800:]}")
    if request_id is not None:
        from retention.models import DestructionRequest, RequestState

        if DestructionRequest.objects.get(pk=request_id).state == RequestState.APPROVED:
            folder = deployment.data_dir.parent / "inputs" / f"run-{run.number}"
            again = deployment.run(
                "destruction",
                "execute",
                str(request_id),
                *witness_args(folder),
                "--as",
                "clerk",
                "--json",
            )
            if again.returncode != 0:
                run.violations.append(f"execute again failed: {again.stderr[-800:]}")


# Invariants ----------------------------------------------------------------------------------


def stored_keys(prefix: str) -> set[str]:
    from django.core.files.storage import default_storage

    keys: set[str] = set()
    if not default_storage.exists(prefix):
        return keys
    folders = [prefix]
    while folders:
        folder = folders.pop()
        subfolders, files = default_storage.listdir(folder)
        folders += [f"{folder}/{name}" for name in subfolders]
        keys |= {f"{folder}/{name}" for name in files}
    return keys


def check(
    run: Run,
    deployment: Deployment,
    corpus: Corpus,
    acknowledged: dict[str, str],
    approved: set[int],
    bystanders: set[int],
) -> None:
    from django.conf import settings
    from django.core.files.storage import default_storage

    from ingestion.models import FINAL, IngestionJob
    from ingestion.originals import original_key
    from records_dms.archive.models import Record, RecordState
    from records_dms.fixity.verify import originals_verify
    from retention.models import DestructionCertificate, DestructionItem, ItemState

    violations = run.violations
    live = Record.objects.exclude(state=RecordState.DESTROYED)
    live_sha = set(live.values_list("sha256", flat=True))
    # Every job finished; none left queued, processing or failed.
    for job in IngestionJob.objects.exclude(status__in=FINAL):
        violations.append(f"job {job.original_name} left {job.status}: {job.reason[:200]}")
    # Acknowledged files are filed; every other file is filed or absent entirely.
    for name, status in acknowledged.items():
        path = Path(name)
        if sha256_of(path) not in live_sha:
            violations.append(f"{path.name} acknowledged ({status}) but no record has it")
    for path in corpus.made:
        sha = sha256_of(path)
        if sha in live_sha and not default_storage.exists(original_key(sha)):
            violations.append(f"{path.name}: filed but its original is not stored")
        if sha not in live_sha and default_storage.exists(original_key(sha)):
            violations.append(f"{path.name}: stored without a record")
    # Stored files and records, both ways; checksums.
    originals = set(live.exclude(original_key="").values_list("original_key", flat=True))
    renditions = set(live.exclude(rendition_key="").values_list("rendition_key", flat=True))
    certificates = set(DestructionCertificate.objects.values_list("pdf_key", flat=True))
    # (A certificate is a record too: its original lives under certificates/.)
    referenced = originals | renditions | certificates
    for prefix in ("originals", "renditions", "certificates"):
        present = stored_keys(prefix)
        expected = {key for key in referenced if key.startswith(f"{prefix}/")}
        for key in sorted(present - expected):
            violations.append(f"stored file without a record: {key}")
        for key in sorted(expected - present):
            violations.append(f"record without its stored file: {key}")
    violations += [f"fixity: {f.subject}: {f.problem}" for f in originals_verify()]
    # Leftover copies of the bytes outside storage.
    failed = set(
        IngestionJob.objects.filter(status="failed").values_list("spool_path", flat=True)
    )  # kept for a retry (and reported above)
    spool = Path(settings.DATA_DIR) / "spool"
    for path in spool.iterdir() if spool.exists() else []:
        if str(path) not in failed:
            violations.append(f"spooled copy left behind: {path.name}")
    tmp = Path(settings.DATA_DIR) / "tmp"
    for path in tmp.iterdir() if tmp.exists() else []:
        violations.append(f"temporary work left behind: {path.name}")
    # Destruction: only what an approved request listed, and all of it.
    destroyed = set(Record.objects.filter(state=RecordState.DESTROYED).values_list("pk", flat=True))
    for record_id in sorted(destroyed - approved):
        violations.append(f"record {record_id} destroyed outside an approved request")
    for record_id in sorted(approved - destroyed):
        violations.append(f"record {record_id} approved for destruction but not destroyed")
    for record_id in sorted(bystanders & destroyed):
        violations.append(f"bystander record {record_id} destroyed")
    for item in DestructionItem.objects.exclude(state=ItemState.DESTROYED):
        violations.append(f"destruction item {item.reference} left {item.state}")
    for item in DestructionItem.objects.filter(state=ItemState.DESTROYED).select_related("request"):
        request = item.request
        approvers = set(request.approvals.values_list("approver_id", flat=True))
        if len(approvers) < request.approvals_required or request.proposed_by_id in approvers:
            violations.append(f"{item.reference} destroyed without a valid approval")
    run.destroyed = len(destroyed)
    run.filed = live.count()
    # dms verify: audit chain, register, checksums, index, certificates.
    done = deployment.run("verify", "--json")
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        violations.append(f"dms verify printed no JSON: {done.stderr[-500:]}")
        return
    if done.returncode != 0 or not report["ok"]:
        violations += [
            f"dms verify: {f['check']}: {f['subject']}: {f['problem']}" for f in report["findings"]
        ]


# The harness ---------------------------------------------------------------------------------


def chaos(
    runs: int,
    seed: int,
    data_root: Path,
    max_delay: float,
    quiet: bool,
    kinds: tuple[str, ...] = ("import-wait", "import-queued", "destruction"),
) -> list[Run]:
    rng = random.Random(seed)  # noqa: S311 (reproducible runs, not secrets)
    deployment = Deployment(data_root / "data")
    deployment.setup()
    LOG[:] = [data_root / "children.log"]
    corpus = Corpus(data_root / "inputs", rng)
    approved: set[int] = set()
    bystanders: set[int] = set()
    results = []
    for number in range(1, runs + 1):
        kind = kinds[(number - 1) % len(kinds)] if number <= len(kinds) else rng.choice(kinds)
        run = Run(number=number, kind=kind, kill="")
        started = time.perf_counter()
        acknowledged: dict[str, str] = {}
        request_id = None
        if kind == "destruction":
            from retention.models import DestructionRequest

            request_id, new_bystanders = destruction_run(run, deployment, corpus, rng, max_delay)
            bystanders |= set(new_bystanders)
            approved |= set(
                DestructionRequest.objects.get(pk=request_id).items.values_list(
                    "record_id", flat=True
                )
            )
        else:
            acknowledged = import_run(run, deployment, corpus, rng, max_delay)
        recover(run, deployment, request_id)
        check(run, deployment, corpus, acknowledged, approved, bystanders)
        run.seconds = round(time.perf_counter() - started, 1)
        results.append(run)
        if not quiet:
            mark = "ok" if not run.violations else f"{len(run.violations)} VIOLATIONS"
            print(
                f"run {number:>3}/{runs} {kind:<13} kill {run.kill:<30} "
                f"{'killed' if run.killed else 'finished':<8} {run.seconds:>5.1f}s {mark}",
                flush=True,
            )
            for violation in run.violations:
                print(f"    {violation}", flush=True)
    return results


def summary(results: list[Run]) -> dict[str, Any]:
    return {
        "runs": len(results),
        "killed": sum(r.killed for r in results),
        "by_kind": {k: sum(r.kind == k for r in results) for k in {r.kind for r in results}},
        "kill_points": len({r.kill.split("@")[0] for r in results if "@" in r.kill}),
        "files": sum(r.files for r in results if r.kind != "destruction"),
        "destroyed": max((r.destroyed for r in results), default=0),
        "records": results[-1].filed if results else 0,
        "violations": sum(len(r.violations) for r in results),
        "runs_with_violations": sum(bool(r.violations) for r in results),
        "seconds": round(sum(r.seconds for r in results), 1),
    }


def write_results(results: list[Run], totals: dict[str, Any], seed: int) -> None:
    lines = [
        "# Crash injection (`make chaos`)",
        "",
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d}, seed {seed}: {totals['runs']} runs, "
        f"{totals['killed']} "
        f"processes killed with SIGKILL ({totals['kill_points']} distinct instrumented points "
        f"plus random delays), {totals['files']} files imported, {totals['destroyed']} records "
        f"destroyed, {totals['records']} records live at the end, "
        f"**{totals['violations']} invariant violations**, {totals['seconds']} s.",
        "",
        "| run | kind | killed at | killed | files | seconds | violations |",
        "|---:|---|---|---|---:|---:|---:|",
    ]
    lines += [
        f"| {r.number} | {r.kind} | {r.kill} | {'yes' if r.killed else 'no'} | {r.files} "
        f"| {r.seconds} | {len(r.violations)} |"
        for r in results
    ]
    (ROOT / "benchmarks" / "chaos-results.md").write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--max-delay", type=float, default=8.0, help="longest random delay (s)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch data folder")
    parser.add_argument("--json", action="store_true", help="print the summary as JSON")
    parser.add_argument(
        "--kinds",
        default="import-wait,import-queued,destruction",
        help="comma-separated kinds of run to draw from",
    )
    parser.add_argument(
        "--points-only", action="store_true", help="always kill at a point, never after a delay"
    )
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1_000_000)
    root = Path(tempfile.mkdtemp(prefix="dms-chaos-"))
    try:
        if args.points_only:
            POINT_SHARE[0] = 1.0
        kinds = tuple(k.strip() for k in args.kinds.split(",") if k.strip())
        results = chaos(args.runs, seed, root, args.max_delay, quiet=args.json, kinds=kinds)
    finally:
        if args.keep:
            print(f"scratch data kept in {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    totals = summary(results)
    totals["seed"] = seed
    if args.json:
        print(json.dumps({**totals, "runs_detail": [asdict(r) for r in results]}, indent=2))
    else:
        print(
            f"{totals['runs']} runs (seed {seed}), {totals['killed']} killed, "
            f"{totals['violations']} invariant violations in {totals['runs_with_violations']} "
            f"runs, {totals['seconds']} s"
        )
    if args.runs >= 50 and not args.points_only and len(kinds) == 3:
        write_results(results, totals, seed)
    return 0 if totals["violations"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
