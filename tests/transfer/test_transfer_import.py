"""`dms transfer import`: what is refused (naming the package and the reason, storing nothing)
and who may receive."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage

from ingestion.models import IngestionJob
from records_dms.accounts import roles
from records_dms.archive.models import Customer, Record
from records_dms.audit.models import AuditEvent
from records_dms.cli.main import main
from records_dms.common.signing import public_key_hex
from records_dms.inspection.models import Inspection
from records_dms.transfer.manifest import manifest_build, manifest_read
from records_dms.transfer.models import TransferEntry
from records_dms.transfer.receive import TransferRefused, transfer_import
from records_dms.transfer.services import Scope, transfer_export
from records_dms.transfer.xmlsig import parse
from tests.factories import make_pdf


@pytest.fixture
def sent(tmp_path: Path, clerk: Any, pdf_only: Any) -> Path:
    out = tmp_path / "out"
    transfer_export(actor=clerk, target=out, scope=Scope(customer_code="KH-0101"))
    return out


def _package(out: Path) -> Path:
    return next((out / "packages").iterdir())


def _refused(out: Path, actor: Any, *fragments: str) -> None:
    records = Record.objects.count()
    with pytest.raises(TransferRefused) as refusal:
        transfer_import(actor=actor, source=out)
    message = "; ".join(refusal.value.messages)
    for fragment in fragments:
        assert fragment in message, message
    assert Record.objects.count() == records
    assert not TransferEntry.objects.filter(direction="import").exists()
    assert AuditEvent.objects.filter(action="transfer.refused").exists()


def _empty_archive() -> None:
    """As a fresh archive: the records, their customer and their stored originals gone."""
    keys = [r.original_key for r in Record.objects.all()]
    IngestionJob.objects.all().delete()
    Inspection.objects.all().delete()  # their results name the records
    Record.objects.filter(parent__isnull=False).delete()
    Record.objects.all().delete()
    Customer.objects.all().delete()
    for key in keys:
        default_storage.delete(key)


@pytest.mark.django_db
def test_a_tampered_package_is_refused_naming_it(sent, clerk):
    package = _package(sent)
    data = package.read_bytes()
    at = data.index("<编码数据>".encode()) + len("<编码数据>".encode()) + 100
    swapped = b"B" if data[at : at + 1] == b"A" else b"A"  # one character of the original
    package.write_bytes(data[:at] + swapped + data[at + 1 :])
    _refused(sent, clerk, f"packages/{package.name}", "SHA-256", "altered")


@pytest.mark.django_db
def test_a_truncated_package_is_refused_naming_it(sent, clerk):
    package = _package(sent)
    package.write_bytes(package.read_bytes()[:-500])
    _refused(sent, clerk, f"packages/{package.name}", "cut short")


@pytest.mark.django_db
def test_a_package_altered_and_listed_again_fails_its_own_signature(sent, clerk):
    """Even with a 移交清单 re-signed to match, the package's own 电子签名块 finds the change."""
    import hashlib

    package = _package(sent)
    altered = package.read_bytes().replace("顾客投诉".encode(), "顾客表扬".encode())
    package.write_bytes(altered)
    manifest = manifest_read(parse(sent / "移交清单.xml", "移交清单"))
    line = manifest.lines[0]
    manifest.lines[0] = type(line)(
        **{**line.__dict__, "sha256": hashlib.sha256(altered).hexdigest()}
    )
    (sent / "移交清单.xml").write_bytes(manifest_build(manifest))
    _refused(sent, clerk, f"packages/{package.name}", "signature does not match its content")


@pytest.mark.django_db
def test_a_transfer_from_an_unknown_key_is_refused_until_its_key_is_trusted(
    sent, clerk, settings, tmp_path
):
    sender = public_key_hex()
    settings.DATA_DIR = tmp_path / "receiver"  # another archive: its own key
    settings.DATA_DIR.mkdir()
    assert public_key_hex() != sender
    _refused(sent, clerk, "移交清单.xml", "does not trust")
    # Trusted, it passes every signature and digest and meets the 档号 already filed here.
    with pytest.raises(TransferRefused, match="already in this archive"):
        transfer_import(actor=clerk, source=sent, trust=[sender])


@pytest.mark.django_db
def test_a_damaged_or_hostile_transfer_list_and_an_unlisted_package_are_refused(sent, clerk):
    listing = sent / "移交清单.xml"
    good = listing.read_bytes()
    listing.write_bytes(good[: len(good) // 2])
    _refused(sent, clerk, "移交清单.xml", "not well-formed")
    listing.write_bytes(good.replace(b"?>\n", b'?>\n<!DOCTYPE x [<!ENTITY a "aaaa">]>\n', 1))
    _refused(sent, clerk, "移交清单.xml", "refused XML")
    listing.write_bytes(good)
    (sent / "packages" / "extra.xml").write_bytes(b"<x/>")
    _refused(sent, clerk, "packages/extra.xml", "not in the 移交清单")


@pytest.mark.django_db
def test_receiving_needs_the_permission_and_a_transfer_is_received_once(
    sent, users, pdf_only, capsys
):
    sha = pdf_only.sha256
    with pytest.raises(PermissionDenied):
        transfer_import(actor=users[roles.AUDITOR], source=sent)
    assert main(["transfer", "import", str(sent), "--as", "staff"]) == 1
    assert "may not" in capsys.readouterr().err
    _empty_archive()
    assert main(["transfer", "import", str(sent), "--as", "compliance"]) == 0
    assert "received YJ-" in capsys.readouterr().out
    record = Record.objects.get()
    assert record.reference == pdf_only.reference and record.sha256 == sha
    assert default_storage.exists(record.original_key)
    entry = TransferEntry.objects.get(direction="import")
    assert entry.actor == users[roles.COMPLIANCE] and entry.records == 1
    assert AuditEvent.objects.filter(action="transfer.received").count() == 1
    assert AuditEvent.objects.filter(action="record.received", object_id=str(record.pk)).exists()
    assert main(["transfer", "import", str(sent), "--as", "clerk"]) == 1
    assert "already received" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_receiver_of_transfer_received_can_refuse_the_whole_transfer(sent, clerk):
    """The hook the four-property check connects to: it sees the records and what was
    expected, and a ValidationError from it leaves nothing stored."""
    from django.core.exceptions import ValidationError

    from records_dms.transfer.events import transfer_received

    seen: list[Any] = []

    def check(*, records: Any, expected: Any, **kwargs: Any) -> None:
        seen.append(([r.reference for r in records], expected))
        raise ValidationError("四性检测: 可用性 fault")

    key = Record.objects.get().original_key
    _empty_archive()
    transfer_received.connect(check)
    try:
        _refused(sent, clerk, "checks on receipt", "四性检测")
    finally:
        transfer_received.disconnect(check)
    assert seen and seen[0][1]["records"] == 1
    assert not Customer.objects.exists()
    assert not default_storage.exists(key)


@pytest.mark.django_db
def test_the_four_property_check_runs_on_receipt_and_a_virus_refuses_the_transfer(
    tmp_path, clerk, customer
):
    """移交接收检测: every received record is checked (stored as a transfer inspection); a
    security fault (here the EICAR test virus) refuses the whole transfer."""
    from records_dms.inspection.models import Occasion
    from tests.inspection.helpers import EICAR
    from tests.transfer.conftest import file_bytes

    clean = tmp_path / "clean"
    file_bytes(customer, clerk, make_pdf(["合同一"]), "合同.pdf", type="contract")
    transfer_export(actor=clerk, target=clean, scope=Scope(customer_code=customer.code))
    _empty_archive()
    transfer_import(actor=clerk, source=clean)
    received = Inspection.objects.get(occasion=Occasion.TRANSFER)
    assert received.results.filter(record=Record.objects.get()).exists()
    assert not received.results.filter(outcome="fail").exists()
    TransferEntry.objects.filter(direction="import").delete()  # _refused counts from none

    infected = tmp_path / "infected"
    customer = Customer.objects.get(code=customer.code)  # as received
    file_bytes(customer, clerk, b"note\n" + EICAR + b"\n", "note.txt", type="other")
    transfer_export(actor=clerk, target=infected, scope=Scope(customer_code=customer.code))
    _empty_archive()
    _refused(infected, clerk, "checks on receipt", "YJ-4")
