"""Peak memory of a child process and everything it starts (pdftoppm, Tesseract), from /proc.

Not ``ru_maxrss``: across fork and exec Linux carries the parent's high-water mark into the
child's, so every process started by a large parent reports at least the parent's peak.
Between vfork and exec a child shares its parent's memory and /proc shows the parent's
resident size for it too; such a child (still running the parent's program) is not counted.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
MB = 1024 * 1024


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_bytes()
        except OSError:
            continue  # ended meanwhile
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])  # after "(comm)": state, ppid
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_rss(root: int) -> dict[int, tuple[str, int]]:
    """Program name and resident bytes of ``root`` and of each of its descendants, now."""
    tree = _children()
    found: dict[int, tuple[str, int]] = {}
    try:
        root_program = os.readlink(f"/proc/{root}/exe")
    except OSError:
        return found
    stack = [root]
    while stack:
        pid = stack.pop()
        stack.extend(tree.get(pid, ()))
        try:
            program = os.readlink(f"/proc/{pid}/exe")  # before statm: see the module doc
            resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if pid != root and program == root_program:
            continue  # not yet exec'd: the parent's memory, already counted
        found[pid] = (Path(program).name, resident * PAGE_BYTES)
    return found


@dataclass(frozen=True)
class PeakMemory:
    tree_peak_mb: float  # the largest sum over the process tree at one sample
    tree_peak_processes: int
    by_name_mb: dict[str, float]  # the largest single process of each name (python, tesseract)
    samples: int
    returncode: int


def run_measured(
    command: list[str], env: dict[str, str], stdout: IO[str], interval: float = 0.05
) -> PeakMemory:
    """Run ``command`` to its end, sampling its process tree's RSS every ``interval`` s."""
    import subprocess

    process = subprocess.Popen(command, env=env, stdout=stdout)
    peak, peak_count, samples = 0, 0, 0
    by_name: dict[str, int] = {}
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_count, samples
        while not done.is_set():
            found = tree_rss(process.pid)
            samples += 1
            total = sum(resident for _name, resident in found.values())
            if total > peak:
                peak, peak_count = total, len(found)
            for name, resident in found.values():
                by_name[name] = max(by_name.get(name, 0), resident)
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    process.wait()
    done.set()
    sampler.join()
    return PeakMemory(
        tree_peak_mb=peak / MB,
        tree_peak_processes=peak_count,
        by_name_mb={name: resident / MB for name, resident in sorted(by_name.items())},
        samples=samples,
        returncode=process.returncode,
    )
