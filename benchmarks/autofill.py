"""How often filing fills in the right title and document date by itself (issue 15).

Makes documents as clerks file them (benchmarks/autofill_docs.py: six kinds, five written
date forms, distracting dates, body text from the seed policies, PDF title metadata right,
a placeholder or missing), each as a word processor's PDF and as a 300 dpi scan (PNG, read by
Tesseract), files them with ``dms import --wait`` into a scratch archive WITHOUT a title or
date, and compares what was filed with what a clerk would have typed.

    .venv/bin/python benchmarks/autofill.py [--count 60]

Results go to benchmarks/autofill-results.md. Not covered: photographed pages, handwriting,
documents in English, multi-page scans whose date is on a later page.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.autofill_docs import Document, document_pdf, documents  # noqa: E402
from benchmarks.render import seed_text  # noqa: E402
from records_dms.common.pdfrender import render_scan_png  # noqa: E402

CUSTOMER = "KH-0001"


def write_files(folder: Path, docs: list[Document]) -> dict[str, tuple[Document, str]]:
    """Each document as a PDF with a text layer and as a scan; name → (document, render)."""
    files: dict[str, tuple[Document, str]] = {}
    for number, document in enumerate(docs):
        pdf = folder / f"doc-{number:03d}.pdf"
        pdf.write_bytes(document_pdf(document))
        files[pdf.name] = (document, "PDF (text layer)")
        scan = folder / f"scan-{number:03d}.png"
        scan.write_bytes(render_scan_png(document.lines))
        files[scan.name] = (document, "scan (OCR)")
    return files


def file_all(folder: Path, data: Path) -> list[dict[str, str]]:
    env = {**os.environ, "DMS_DATA_DIR": str(data), "DMS_LANGUAGE": "en", "PYTHONPATH": str(ROOT)}
    dms = [sys.executable, "-m", "records_dms"]
    subprocess.run([*dms, "customer", "add", CUSTOMER, "Bench"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    result = subprocess.run(
        [*dms, "import", str(folder), "--customer", CUSTOMER, "--wait", "--json"],
        env=env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    outcome = {item["file"]: item for item in json.loads(result.stdout)}
    with sqlite3.connect(data / "dms.sqlite3") as db:
        rows = db.execute("SELECT original_name, title, document_date FROM archive_record")
        return [
            {"original_name": name, "title": title, "document_date": date, **outcome.get(name, {})}
            for name, title, date in rows
        ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60, help="documents (each filed twice)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "autofill-results.md")
    args = parser.parse_args()
    text = seed_text()
    body = [text[start : start + 40] for start in range(0, min(len(text), 40 * 200), 40)]
    docs = list(documents(body, args.count))
    with tempfile.TemporaryDirectory(prefix="bench-autofill-") as scratch:
        folder = Path(scratch) / "in"
        folder.mkdir()
        files = write_files(folder, docs)
        filed = file_all(folder, Path(scratch) / "data")
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    misses: list[str] = []
    for job in filed:
        document, render = files[job["original_name"]]
        title_ok = job.get("title") == document.title
        date_ok = job.get("document_date") == document.date.isoformat()
        for key in ((render, document.kind), (render, "all")):
            tally[key][0] += 1
            tally[key][1] += title_ok
            tally[key][2] += date_ok
        if not (title_ok and date_ok):
            misses.append(f"| {job['original_name']} | {document.title} {document.date} | "
                          f"{job.get('title')} {job.get('document_date')} |")  # fmt: skip
    write(args.out, tally, misses, len(filed))
    print(args.out.read_text())
    return 0


def write(out: Path, tally: dict[tuple[str, str], list[int]], misses: list[str], n: int) -> None:
    lines = [
        "# Filing that fills itself in: titles and dates right",
        "",
        f"`.venv/bin/python benchmarks/autofill.py` — {n} files filed with `dms import --wait`",
        "without a title or date; right = exactly what a clerk would type.",
        "",
        "| render | kind | files | title right | date right |",
        "|---|---|---|---|---|",
    ]
    for (render, kind), (count, titles, dates) in sorted(tally.items()):
        lines.append(
            f"| {render} | {kind} | {count} | {titles / count:.0%} | {dates / count:.0%} |"
        )
    lines += ["", "Misses (expected → filed):", "", "| file | expected | filed |", "|---|---|---|"]
    out.write_text("\n".join([*lines, *misses[:40], ""]))


if __name__ == "__main__":
    raise SystemExit(main())
