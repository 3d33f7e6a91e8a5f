import os
import time

import pytest

from ingestion.inbox import inbox_dir, inbox_scan
from records_dms.archive.models import Record
from tests.factories import make_pdf
from tests.ingestion.samples import bad_input

pytestmark = pytest.mark.django_db


def drop(path, data: bytes, age: float = 10.0):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    old = time.time() - age
    os.utime(path, (old, old))
    return path


def test_scanner_files_land_in_the_dossier_and_leave_the_inbox(customer):
    root = inbox_dir()
    filed = drop(root / "KH-0101" / "minutes" / "纪要.pdf", make_pdf())
    outcomes = inbox_scan()
    assert [o.job.status for o in outcomes if o.job] == ["filed"]
    record = Record.objects.get()
    assert record.type == "minutes" and record.channel == "scan"
    assert record.original_name == "纪要.pdf"
    assert not filed.exists()


def test_refused_files_move_to_rejected_with_a_reason(customer):
    root = inbox_dir()
    name, data, _reason = bad_input("encrypted pdf")
    drop(root / "KH-0101" / "contract" / name, data)
    drop(root / "KH-9999" / "contract" / "x.pdf", make_pdf())
    drop(root / "KH-0101" / "invoice" / "y.pdf", make_pdf(["另一份"]))
    inbox_scan()
    reasons = {p.name: p.read_text() for p in (root / "_rejected").glob("*.reason.txt")}
    assert len(reasons) == 3
    texts = " ".join(reasons.values())
    assert "locked.pdf: the PDF is password protected" in texts
    assert "no customer KH-9999" in texts and "unknown record type invoice" in texts
    assert len([p for p in (root / "_rejected").iterdir()]) == 6
    assert not Record.objects.exists()


def test_a_file_still_being_written_waits(customer):
    root = inbox_dir()
    fresh = drop(root / "KH-0101" / "minutes" / "new.pdf", make_pdf(), age=0)
    assert inbox_scan(settle_seconds=60) == []
    assert fresh.exists()
