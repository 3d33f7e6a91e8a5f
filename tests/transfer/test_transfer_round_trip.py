"""Export → import into a fresh data dir (another `dms`, another database): every record, its
metadata, page text and original identical."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from records_dms.archive.models import Record
from records_dms.common.signing import public_key_hex
from records_dms.transfer.services import Scope, transfer_export

DMS = [sys.executable, "-m", "records_dms"]
COMPARED = (
    "reference",
    "type",
    "title",
    "document_date",
    "received_date",
    "channel",
    "confidentiality",
    "language",
    "physical_location",
    "original_name",
    "mime_type",
    "size",
    "sha256",
    "page_count",
    "email_headers",
)


def _dms(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DMS_")}
    env["DMS_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [*DMS, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _sent(record: Record) -> dict[str, Any]:
    row = {field: getattr(record, field) for field in COMPARED}
    row["document_date"] = record.document_date.isoformat()
    row["received_date"] = record.received_date.isoformat()
    row["parent"] = record.parent.reference if record.parent else None
    row["customer"] = record.customer.code
    row["pages"] = [[p.number, p.text, p.source, p.confidence] for p in record.pages.all()]
    return row


@pytest.mark.django_db
def test_a_dossier_goes_out_and_comes_back_identical_in_a_fresh_data_dir(tmp_path, clerk, dossier):
    out = tmp_path / "transfer"
    transfer_export(actor=clerk, target=out, scope=Scope(customer_code="KH-0101"))
    sent = {r.reference: _sent(r) for r in Record.objects.all()}
    assert len(sent) == 4 and any(row["parent"] for row in sent.values())
    assert any(p[2] == "ocr" for row in sent.values() for p in row["pages"])

    fresh = tmp_path / "receiver"
    received = _dms(
        fresh, "transfer", "import", str(out), "--trust-key", public_key_hex(), "--json"
    )
    assert received.returncode == 0, received.stderr
    assert json.loads(received.stdout)["records"] == 4
    again = _dms(fresh, "transfer", "import", str(out), "--trust-key", public_key_hex())
    assert again.returncode == 1 and "already received" in again.stderr

    dump = _dms(fresh, "manage", "shell", "-c", DUMP)
    assert dump.returncode == 0, dump.stderr
    got = json.loads(dump.stdout.strip().splitlines()[-1])
    assert got["records"] == sent
    assert got["customer"] == ["KH-0101", "华东精密机械有限公司"]
    assert got["originals"] == sorted(row["sha256"] for row in sent.values())
    assert got["verify"] == []
    # A record filed there after the transfer gets the next number, not a received one.
    assert got["next_reference"] not in sent


DUMP = (
    f"COMPARED = {COMPARED!r}\n"
    + """
import hashlib, json, datetime
from django.core.files.storage import default_storage
from records_dms.archive.models import Record, Customer
from records_dms.archive.services import record_create
rows = {}
for r in Record.objects.order_by("reference"):
    row = {f: getattr(r, f) for f in COMPARED}
    row["document_date"] = r.document_date.isoformat()
    row["received_date"] = r.received_date.isoformat()
    row["parent"] = r.parent.reference if r.parent else None
    row["customer"] = r.customer.code
    row["pages"] = [[p.number, p.text, p.source, p.confidence] for p in r.pages.all()]
    rows[r.reference] = row
originals = sorted(
    hashlib.sha256(default_storage.open(r.original_key, "rb").read()).hexdigest()
    for r in Record.objects.all()
)
from records_dms.fixity.verify import verify_all
findings, counts = verify_all([])
customer = Customer.objects.get()
made = record_create(customer=customer, type="complaint", title="x",
                     document_date=datetime.date(2024, 1, 1), actor=None)
print(json.dumps({"records": rows, "customer": [customer.code, customer.name],
                  "originals": originals, "verify": [f.as_dict() for f in findings],
                  "next_reference": made.reference}, ensure_ascii=False))
"""
)


def test_the_compared_fields_are_every_stored_field_of_a_record() -> None:
    """The round trip compares what a record holds; a new field must be carried or named."""
    kept_apart = {
        "id",
        "customer",
        "parent",
        "state",
        "volume",
        "complaint",
        "original_key",
        "rendition_key",
        "created_by",
        "created_at",
    }
    fields = {f.name for f in Record._meta.concrete_fields}
    assert fields - kept_apart == set(COMPARED)
