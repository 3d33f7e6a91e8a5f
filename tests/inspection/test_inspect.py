"""The four-property check over real files: a clean record passes every item; each planted
fault is found on its item, and on no other record."""

from __future__ import annotations

import dataclasses
import datetime
import io

import pytest
from django.core.files.storage import default_storage

from ingestion.services import record_file
from records_dms.archive.models import Record
from records_dms.audit.models import AuditEvent
from records_dms.common.events import event_label
from records_dms.inspection import events
from records_dms.inspection.models import Occasion, Outcome
from records_dms.inspection.services import Expected, inspect
from tests.factories import file_pdf, make_pdf
from tests.inspection.helpers import (
    EICAR,
    encrypted_pdf,
    faults,
    file_received,
    javascript_pdf,
    jpeg,
    png,
)

pytestmark = pytest.mark.django_db


def test_a_filed_pdf_passes_every_item_and_the_run_is_audited(customer, clerk):
    record = file_pdf(customer, actor=clerk)
    inspection = inspect([record], occasion=Occasion.MANUAL, actor=clerk)
    assert faults(inspection) == {}
    outcomes = dict(inspection.results.filter(record=record).values_list("code", "outcome"))
    assert len(outcomes) == 19
    assert outcomes["BC-1-1"] == outcomes["BC-4-1"] == outcomes["BC-3-2"] == Outcome.PASS
    assert outcomes["BC-1-2"] == outcomes["BC-2-4"] == Outcome.NOT_APPLICABLE
    event = AuditEvent.objects.get(action=events.INSPECTION_RUN, object_id=str(inspection.pk))
    assert event.actor == clerk and event.data["failed"] == 0


def test_filing_runs_the_check_once_per_record(customer, clerk):
    record = file_pdf(customer, actor=clerk)
    inspection = record.inspections.get()
    assert inspection.occasion == Occasion.FILING and inspection.without_faults
    assert inspection.results.filter(code__startswith="GD-").count() == 20


def test_filing_keeps_a_faulty_record_filed_and_records_the_fault(customer, clerk):
    record = record_file(
        customer=customer,
        stream=io.BytesIO(javascript_pdf()),
        filename="纪要.pdf",
        actor=clerk,
        type="minutes",
        title="纪要",
        document_date=datetime.date(2024, 5, 6),
    )
    assert record.state == "filed"
    assert "JavaScript" in faults(record.inspections.get(), record)["4-2"]


def test_a_changed_original_fails_fixity(customer, clerk, settings):
    record = file_pdf(customer, actor=clerk)
    path = settings.MEDIA_ROOT / record.original_key
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    found = faults(inspect([record], occasion=Occasion.MANUAL))
    assert set(found) == {"1-1"}


def test_a_missing_original_fails_and_other_file_items_say_why(customer, clerk):
    record = file_pdf(customer, actor=clerk)
    default_storage.delete(record.original_key)
    found = faults(inspect([record], occasion=Occasion.MANUAL))
    assert "missing" in found["1-1"] and "missing" in found["1-8"]
    assert "2-1" in found  # the batch's stored bytes no longer match its metadata


def test_eicar_is_found_by_clamscan_and_a_clean_file_passes(customer, clerk):
    infected = file_received(
        customer, b"note " + EICAR + b"\n", name="a.txt", mime_type="text/plain"
    )
    clean = file_received(customer, b"a clean note\n", name="b.txt", mime_type="text/plain")
    inspection = inspect([infected, clean], occasion=Occasion.MANUAL)
    assert "DMS.Test.EICAR-Signature" in faults(inspection, infected)["4-1"]
    assert "4-1" not in faults(inspection, clean)


def test_without_the_scanner_the_virus_item_fails_saying_so(customer, clerk, settings):
    settings.INSPECTION = dataclasses.replace(
        settings.INSPECTION, clamav_command="no-such-clamscan"
    )
    record = file_received(customer, png(), name="a.png", mime_type="image/png")
    assert "no-such-clamscan" in faults(inspect([record], occasion=Occasion.MANUAL))["4-1"]


def test_encrypted_pdf_fails_usability(customer, clerk):
    record = file_received(customer, encrypted_pdf())
    found = faults(inspect([record], occasion=Occasion.MANUAL), record)
    assert "encrypted" in found["3-3"] and "password" in found["3-2"]


def test_an_undecodable_image_fails_to_render(customer, clerk):
    record = file_received(customer, jpeg()[:200], name="scan.jpg", mime_type="image/jpeg")
    found = faults(inspect([record], occasion=Occasion.MANUAL), record)
    assert set(found) == {"3-2"}


def test_metadata_faults_title_size_type_and_name(customer, clerk):
    record = file_received(customer, png(), name="scan.pdf", mime_type="image/png")
    Record.objects.filter(pk=record.pk).update(title="  ", size=record.size + 1)
    record.refresh_from_db()
    found = faults(inspect([record], occasion=Occasion.MANUAL), record)
    assert "题名" in found["2-2"]
    assert "size" in found["1-7"] and ".pdf" in found["1-7"]


def test_a_gap_in_the_numbers_is_found_on_the_record_after_it(customer, clerk):
    from records_dms.archive.numbering import counter_next

    first = file_received(customer, png((10, 10)), name="a.png", mime_type="image/png")
    counter_next(f"record:{customer.code}:JY:2024")  # number 0002 issued, never filed
    third = file_received(customer, png((11, 10)), name="b.png", mime_type="image/png")
    inspection = inspect([first, third], occasion=Occasion.MANUAL)
    assert faults(inspection, first) == {}
    assert f"{customer.code}-JY-2024-0002" in faults(inspection, third)["2-3"]


def test_the_batch_totals_are_compared_with_what_was_expected(customer, clerk):
    records = [
        file_received(customer, png((10 + n, 10)), name="a.png", mime_type="image/png")
        for n in range(2)
    ]
    total = sum(r.size for r in records)
    assert faults(inspect(records, occasion=Occasion.TRANSFER, expected=Expected(2, total))) == {}
    found = faults(inspect(records, occasion=Occasion.TRANSFER, expected=Expected(3, total)))
    assert set(found) == {"2-1"} and "expected 3" in found["2-1"]


def test_a_record_without_its_filing_events_fails_the_process_item(customer, clerk):
    # A record slipped in beside the services (straight into the table) has no events.
    record = Record.objects.create(
        customer=customer,
        reference=f"{customer.code}-JY-2024-0001",
        type="minutes",
        title="会议纪要",
        document_date=datetime.date(2024, 5, 6),
        received_date=datetime.date(2024, 5, 6),
        state="filed",
    )
    detail = faults(inspect([record], occasion=Occasion.MANUAL), record)["4-3"]
    assert str(event_label("record.created")) in detail  # named by its label, not its code


def test_a_signed_pdf_is_validated_with_pyhanko_and_a_changed_one_fails(customer):
    from retention.signing import pdf_sign

    signed = pdf_sign(make_pdf(["销毁记录正文"]))
    assert b"ReportLab" in signed
    changed = signed.replace(b"ReportLab", b"ReportLaB", 1)
    good = file_received(customer, signed)
    bad = file_received(customer, changed, name="changed.pdf")
    inspection = inspect([good, bad], occasion=Occasion.MANUAL)
    detail = inspection.results.get(record=good, code="BC-1-2")
    assert detail.outcome == Outcome.PASS and "intact" in detail.detail
    assert "does not match" in faults(inspection, bad)["1-2"]


def _mail(*attachments: tuple[str, str, bytes]) -> bytes:
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"] = "客户 <kehu@example.com>"
    message["To"] = "archive@example.com"
    message["Subject"] = "投诉补充材料"
    message["Date"] = "Mon, 06 May 2024 10:00:00 +0800"
    message.set_content("请见附件。")
    for name, mime, data in attachments:
        maintype, subtype = mime.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


def test_an_emails_attachments_filed_pass_and_one_refused_is_named(customer, clerk):
    pdf = ("说明.pdf", "application/pdf", make_pdf(["附件正文"]))
    program = ("tool.exe", "application/octet-stream", b"MZ\x90\x00" + bytes(200))
    good = record_file(
        customer=customer,
        stream=io.BytesIO(_mail(pdf)),
        filename="a.eml",
        actor=clerk,
        type="email",
        document_date=datetime.date(2024, 5, 6),
    )
    at_filing = good.inspections.get()
    assert good.children.count() == 1 and faults(at_filing, good) == {}
    outcome = at_filing.results.get(record=good, code="GD-2-4")
    assert outcome.outcome == Outcome.PASS and outcome.detail == "1 attachment(s)"
    bad = record_file(
        customer=customer,
        stream=io.BytesIO(_mail(program)),
        filename="b.eml",
        actor=clerk,
        type="email",
        document_date=datetime.date(2024, 5, 6),
    )
    assert "tool.exe" in faults(bad.inspections.get(), bad)["2-4"]


def test_a_pdfa_claim_is_read_from_its_compressed_xmp(customer):
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, StreamObject

    writer = PdfWriter()
    writer.append(io.BytesIO(make_pdf(["归档正文"])))
    xmp = StreamObject()
    xmp.set_data(
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
        b'pdfaid:part="2" pdfaid:conformance="B"/></rdf:RDF></x:xmpmeta>'
    )
    xmp = xmp.flate_encode()
    writer._root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    out = io.BytesIO()
    writer.write(out)
    record = file_received(customer, out.getvalue())
    inspection = inspect([record], occasion=Occasion.MANUAL)
    assert inspection.results.get(record=record, code="BC-3-1").detail == "PDF/A-2B"


def test_a_run_cut_short_stores_nothing(customer, monkeypatch):
    from records_dms.inspection import services
    from records_dms.inspection.models import Inspection

    record = file_received(customer, png(), name="a.png", mime_type="image/png")

    def broken(subjects, batch):
        raise KeyboardInterrupt

    monkeypatch.setattr(services, "_scan", broken)
    with pytest.raises(KeyboardInterrupt):
        inspect([record], occasion=Occasion.MANUAL)
    assert not Inspection.objects.filter(occasion=Occasion.MANUAL).exists()


def test_two_records_pointing_to_one_stored_file_are_both_named(customer):
    first = file_received(customer, png((10, 10)), name="a.png", mime_type="image/png")
    second = file_received(customer, png((12, 10)), name="b.png", mime_type="image/png")
    Record.objects.filter(pk=second.pk).update(original_key=first.original_key)
    second.refresh_from_db()
    inspection = inspect([first, second], occasion=Occasion.MANUAL)
    assert second.reference in faults(inspection, first)["1-8"]
    assert first.reference in faults(inspection, second)["1-8"]
