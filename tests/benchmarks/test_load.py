"""`make bench-load` in small: 50 pages, 2 users for a few seconds, against the real server.

benchmarks/load.py prepares a scratch data dir, starts `dms run`, runs locust headless and
reports; here every request must succeed (200, and 404 for the staff probes outside the
grant) and no staff response may show a record outside the grant.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.xdist_group("load")
def test_load_scenario_succeeds_without_leaks(tmp_path: Path) -> None:
    summary = tmp_path / "load.json"
    command = [
        sys.executable, "benchmarks/load.py", "--pages", "50", "--users", "2",
        "--spawn-rate", "2", "--seconds", "6", "--data-dir", str(tmp_path / "data"),
        "--out", str(tmp_path / "load.md"), "--json", str(summary),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-4000:]

    result = json.loads(summary.read_text())
    assert result["archive"]["pages"] == 50
    assert result["failed"] == 0, result["errors"]
    assert result["leaks"] == 0
    assert set(result["roles"]) == {"auditor", "staff"}  # one locust user of each kind
    figures = {figure["name"]: figure for figure in result["figures"]}
    assert figures["overall"]["count"] > 0
    for name, figure in figures.items():
        expected = {"404"} if name == "forbidden (404)" else {"200"}
        if name != "overall":
            assert set(figure["statuses"]) == expected, (name, figure["statuses"])
    assert (tmp_path / "load.md").read_text().count("| overall |") == 1
