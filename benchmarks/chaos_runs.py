"""One chaos run: start real work (filing or destruction), kill it, restart what an operator
would (benchmarks/chaos.py)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from pathlib import Path

from benchmarks.chaos_deployment import CUSTOMER, Corpus, Deployment, Run, run_killed
from records_dms.common.failpoints import POINTS

# The points the product passes (records_dms/common/failpoints.py), by the run they belong to.
INGEST_POINTS = tuple(point for point in POINTS if point.startswith("ingest:"))
DESTRUCTION_POINTS = tuple(point for point in POINTS if not point.startswith("ingest:"))
PER_ITEM_POINTS = {
    "destruction:purging",
    "destruction:files-deleted",
    "destruction:unindexed",
    "destruction:item-destroyed",
}


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
