"""The invariants checked after every chaos run (benchmarks/chaos.py)."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.chaos_deployment import Corpus, Deployment, Run, sha256_of

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
