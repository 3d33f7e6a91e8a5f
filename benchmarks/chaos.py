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
import json
import random
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: `python benchmarks/chaos.py`
    sys.path.insert(0, str(ROOT))

from benchmarks.chaos_checks import check  # noqa: E402
from benchmarks.chaos_deployment import LOG, Corpus, Deployment, Run  # noqa: E402
from benchmarks.chaos_runs import POINT_SHARE, destruction_run, import_run, recover  # noqa: E402

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
