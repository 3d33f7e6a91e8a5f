"""Time of `dms transfer export` and `dms transfer import` per record.

N born-digital Chinese PDFs (seed text, 20 lines, one or two pages, ~50 KB) are filed into
a scratch data dir with `dms import --wait`; then the customer's dossier is exported, and
imported into a second, fresh data dir. Each command's wall time is measured as a whole (a
new process, as an operator runs it), beside the start-up of a command that does nothing
(`dms transfer key`).

    python benchmarks/transfer.py [--records 200] [--out benchmarks/transfer-results.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DMS = [sys.executable, "-m", "records_dms"]


def _dms(data_dir: Path, *args: str) -> tuple[float, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DMS_")}
    env["DMS_DATA_DIR"] = str(data_dir)
    started = time.perf_counter()
    done = subprocess.run(
        [*DMS, *args], env=env, capture_output=True, text=True, check=False, cwd=ROOT
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"dms {' '.join(args)} failed: {done.stderr}")
    return elapsed, done.stdout


def _pdfs(folder: Path, count: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "records_dms.settings")
    from records_dms.common.pdfrender import render_text_pdf

    seeds = sorted((ROOT / "tests" / "fixtures" / "seeds").glob("*.txt"))
    lines = [ln for s in seeds for ln in s.read_text(encoding="utf-8").splitlines() if ln.strip()]
    folder.mkdir(parents=True)
    for number in range(count):
        start = (number * 7) % max(1, len(lines) - 20)
        page = [f"记录 {number}", *lines[start : start + 20]]
        (folder / f"{number:05d}.pdf").write_bytes(render_text_pdf(f"文件 {number}", [page]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=200)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "transfer-results.md"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        sender, receiver = base / "sender", base / "receiver"
        _pdfs(base / "pdfs", args.records)
        _dms(sender, "customer", "add", "KH-0900", "基准客户有限公司")
        _dms(
            sender,
            "import",
            str(base / "pdfs"),
            "--customer",
            "KH-0900",
            "--wait",
            "--date",
            "2024-03-01",
            "--type",
            "contract",
        )
        startup, key = _dms(sender, "transfer", "key")
        export_s, exported = _dms(
            sender, "transfer", "export", "--customer", "KH-0900", str(base / "out"), "--json"
        )
        _dms(receiver, "transfer", "key")  # the fresh dir's migrations, not timed below
        import_s, received = _dms(
            receiver,
            "transfer",
            "import",
            str(base / "out"),
            "--trust-key",
            key.strip(),
            "--json",
        )
        sent, got = json.loads(exported), json.loads(received)
    assert sent["records"] == got["records"] == args.records
    n = args.records
    text = "\n".join(
        [
            "# Transfer (移交) export and import time",
            "",
            f"`python benchmarks/transfer.py --records {n}` on {platform.node()} "
            f"({os.cpu_count()} cores, Python {platform.python_version()}, SQLite, local files).",
            "",
            f"{n} Chinese PDFs of seed text, {sent['bytes']} bytes of originals, "
            f"{sent['pages']} pages.",
            "",
            "| command | wall time | per record (start-up subtracted) |",
            "|---|---|---|",
            f"| `dms transfer key` (start-up only) | {startup:.2f} s | — |",
            f"| `dms transfer export --customer KH-0900 OUT` | {export_s:.2f} s | "
            f"{(export_s - startup) / n * 1000:.1f} ms |",
            f"| `dms transfer import OUT --trust-key …` (fresh data dir) | {import_s:.2f} s | "
            f"{(import_s - startup) / n * 1000:.1f} ms |",
            "",
        ]
    )
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
