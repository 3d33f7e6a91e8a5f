"""`make bench-bombs`: peak memory of the whole `dms import --wait` of decompression bombs.

A one-page PDF whose content stream inflates to 1 GiB (1 MB on disk), one of 2 GiB, one whose
LZW content stream decodes to 1 GiB, and a legitimate text PDF for comparison, each filed by
`dms import FILE --wait --json` into a scratch data folder. Every 50 ms the process tree of
the import (the CLI, the child that reads the file, pdftoppm, Tesseract) is read from /proc
and summed two ways:

- RSS summed over every process: an upper bound (pages a forked child shares with its
  parent are counted twice; nothing is skipped);
- PSS summed (``/proc/PID/smaps_rollup``): each shared page divided among its sharers, the
  tree's real footprint.

    python benchmarks/bombs.py [--sizes 1024,2048] [--code DIR] [--out FILE]

``--code DIR`` runs the import from another checkout (e.g. a worktree of the commit before
the fix) with this checkout's virtualenv. The bar (issue 14): ≤ 800 MB for the 1 GiB bomb,
refused with a reason naming the file. Results go to benchmarks/bombs-results.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "records_dms.settings")

MB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE")
BAR_MB = 800


def _tree(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_bytes()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, ()))
    return found


def _memory(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in bytes; (0, 0) once it has ended."""
    try:
        rss = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
        pss = 0
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
                break
        return rss, pss
    except (OSError, ValueError, IndexError):
        return 0, 0


@dataclass
class Peak:
    rss_mb: float = 0.0
    pss_mb: float = 0.0
    processes: int = 0
    samples: int = 0
    seconds: float = 0.0


def measured(
    command: list[str], env: dict[str, str], cwd: Path, interval: float = 0.05
) -> tuple[Peak, str]:
    """Run ``command`` to its end, sampling its whole process tree every ``interval`` s."""
    peak = Peak()
    started = time.monotonic()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, text=True)
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            pids = _tree(process.pid)
            sizes = [_memory(pid) for pid in pids]
            rss, pss = sum(s[0] for s in sizes), sum(s[1] for s in sizes)
            peak.samples += 1
            if rss / MB > peak.rss_mb:
                peak.rss_mb, peak.processes = rss / MB, sum(1 for s in sizes if s[0])
            peak.pss_mb = max(peak.pss_mb, pss / MB)
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    done.set()
    sampler.join()
    peak.seconds = time.monotonic() - started
    return peak, output


def make_files(folder: Path, sizes: list[int]) -> dict[str, Path]:
    from tests.factories import make_pdf
    from tests.hostile.bombs import pdf_flate_bomb, pdf_lzw_bomb

    files = {}
    for size in sizes:
        path = folder / f"bomb-{size}mb.pdf"
        path.write_bytes(pdf_flate_bomb(size))
        files[f"PDF, content stream inflating to {size} MB"] = path
    lzw = folder / f"lzw-{sizes[0]}mb.pdf"
    lzw.write_bytes(pdf_lzw_bomb(sizes[0]))
    files[f"PDF, LZW content stream decoding to {sizes[0]} MB"] = lzw
    text = folder / "contract.pdf"
    text.write_bytes(make_pdf(["合同第一页：质量记录的保存期限", "合同第二页", "合同第三页"]))
    files["legitimate 3-page text PDF (control)"] = text
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1024,2048", help="bomb sizes in MB")
    parser.add_argument("--code", type=Path, help="run the import from this checkout")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "bombs-results.md")
    args = parser.parse_args()
    import django

    django.setup()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-bombs-") as scratch:
        work = Path(scratch)
        files = make_files(work, sizes)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DMS_DATA_DIR": str(work / "data"),
            "DMS_LANGUAGE": "en",
        }
        code = (args.code or ROOT).resolve()  # `python -m` imports from the working folder
        env["PYTHONPATH"] = str(code)
        dms = [sys.executable, "-m", "records_dms"]
        subprocess.run([*dms, "customer", "add", "KH-0001", "Bench"], env=env, cwd=code,
                       check=True, capture_output=True)  # fmt: skip
        for label, path in files.items():
            command = [*dms, "import", str(path), "--customer", "KH-0001", "--type", "other",
                       "--wait", "--json"]  # fmt: skip
            peak, output = measured(command, env, code)
            try:
                outcome = json.loads(output)[0]
            except (ValueError, IndexError):
                outcome = {"status": "?", "error": output[-300:]}
            rows.append((label, path.stat().st_size, peak, outcome))
            print(f"{label}: {outcome['status']} in {peak.seconds:.1f} s, tree RSS "
                  f"{peak.rss_mb:.0f} MB, PSS {peak.pss_mb:.0f} MB; {outcome.get('error') or ''}",
                  flush=True)  # fmt: skip
    write(args.out, rows, args.code)
    bombs = [row for row in rows if row[0].startswith("PDF")]
    return 0 if all(row[2].rss_mb <= BAR_MB for row in bombs[:1]) else 1


def write(out: Path, rows: list[tuple[str, int, Peak, dict[str, str]]], code: Path | None) -> None:
    lines = [
        "# Decompression bombs: memory of the whole `dms import --wait`",
        "",
        f"`python benchmarks/bombs.py` (`make bench-bombs`), {time.strftime('%Y-%m-%d')}, "
        f"{platform.machine()}, {os.cpu_count()} cores shared with other work, Python "
        f"{platform.python_version()}, DMS_MAX_INFLATE_MB default (256)"
        + (f", code from `{code}`" if code else "")
        + ". Process tree sampled every 50 ms; RSS summed over every process (an upper "
        "bound: pages a fork shares are counted twice), PSS summed (each shared page divided "
        f"among its sharers). Bar: ≤ {BAR_MB} MB for the 1 GiB bomb.",
        "",
        "| file | on disk | outcome | reason | time | peak tree RSS (sum) | peak tree PSS "
        "| processes at peak |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for label, size, peak, outcome in rows:
        reason = (outcome.get("error") or "").replace("|", "\\|")
        lines.append(
            f"| {label} | {size / MB:.1f} MB | {outcome['status']} | {reason} | "
            f"{peak.seconds:.1f} s | {peak.rss_mb:.0f} MB | {peak.pss_mb:.0f} MB | "
            f"{peak.processes} |"
        )
    lines.append("")
    out.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
