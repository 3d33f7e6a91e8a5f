"""The destruction inventory (销毁清册) and its witnesses (监销人): at least two distinct people
sign before anything is destroyed, and the signed certificate lists every item with 档号, 题名,
年度, 保管期限, 页数 and SHA-256, the approval and the witnesses' hand signatures."""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pdfplumber
import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils import translation

from records_dms.accounts import roles
from records_dms.archive.models import Record, RecordState
from records_dms.audit.models import AuditEvent
from retention import events
from retention.certificates import certificate_bytes, certificate_verify
from retention.models import DestructionWitness, RequestState
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_execute,
    destruction_request_propose,
)
from retention.services.witnesses import WitnessSignature
from tests.factories import UserFactory
from tests.lending.helpers import blank_png, signature_png
from tests.retention.helpers import closed_complaint_record, two_witnesses

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(users: Any, customer: Any, clerk: Any) -> Any:
    record = closed_complaint_record(customer, clerk, lines=["投诉处理完毕。", "第二页。"])
    request = destruction_request_propose(records=[record], actor=clerk, reason="保管期满")
    destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])
    request.refresh_from_db()
    return request


def _refused(request: Any, clerk: Any, witnesses: list[WitnessSignature], match: str) -> None:
    with pytest.raises(ValidationError, match=match):
        destruction_request_execute(request=request, actor=clerk, witnesses=witnesses)
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED
    assert not DestructionWitness.objects.filter(request=request).exists()
    record = Record.objects.get(pk=request.items.get().record_id)
    assert record.state == RecordState.APPROVED and default_storage.exists(record.original_key)


def test_fewer_than_two_witnesses_are_refused(approved, clerk):
    _refused(approved, clerk, [], "At least 2 witnesses")
    _refused(approved, clerk, two_witnesses()[:1], "At least 2 witnesses")


def test_the_same_person_twice_is_refused(approved, clerk, users):
    auditor = users[roles.AUDITOR]
    same_user = [WitnessSignature(png=signature_png(n), user=auditor) for n in (1, 2)]
    _refused(approved, clerk, same_user, "already a witness")
    # A named person written as the user already chosen is the same person.
    by_name = [
        WitnessSignature(png=signature_png(1), user=auditor),
        WitnessSignature(png=signature_png(2), name=f" {auditor.username.upper()} "),
    ]
    _refused(approved, clerk, by_name, "already a witness")
    twice_named = [
        two_witnesses()[0],
        WitnessSignature(png=signature_png(2), name="赵六"),
        WitnessSignature(png=signature_png(3), name="赵 六"),
    ]
    _refused(approved, clerk, twice_named, "already a witness")


def test_the_executor_cannot_witness_and_one_witness_is_a_user(approved, clerk):
    _refused(
        approved,
        clerk,
        [WitnessSignature(png=signature_png(1), user=clerk), two_witnesses()[1]],
        "executor cannot witness",
    )
    named_only = [
        WitnessSignature(png=signature_png(1), name="钱七", unit="保密办"),
        WitnessSignature(png=signature_png(2), name="赵六", unit="纪检监察室"),
    ]
    _refused(approved, clerk, named_only, "must be a user of the system")


def test_a_blank_or_foreign_signature_is_refused(approved, clerk):
    blank = [two_witnesses()[0], WitnessSignature(png=blank_png(), name="赵六")]
    _refused(approved, clerk, blank, "Witness 2: The signature is empty")
    jpeg = [two_witnesses()[0], WitnessSignature(png=b"\xff\xd8\xff\xe0 not a png", name="赵六")]
    _refused(approved, clerk, jpeg, "Witness 2: A signature must be a PNG image")


def test_witnesses_are_recorded_sealed_and_audited(approved, clerk):
    given = two_witnesses()
    request = destruction_request_execute(request=approved, actor=clerk, witnesses=given)
    assert request.state == RequestState.COMPLETED
    rows = list(request.witnesses.select_related("user"))
    assert [(w.position, w.name, w.unit) for w in rows] == [
        (1, "李明", ""),
        (2, "赵六", "纪检监察室"),
    ]
    assert rows[0].user is not None and rows[0].user.username == "witness"
    assert rows[1].user is None
    for row, witness in zip(rows, given, strict=True):
        assert row.sha256 == hashlib.sha256(witness.png).hexdigest()
        with default_storage.open(row.image_key, "rb") as handle:
            assert handle.read() == witness.png
    started = AuditEvent.objects.get(action=events.DESTRUCTION_EXECUTION_STARTED)
    assert [w["sha256"] for w in started.data["witnesses"]] == [w.sha256 for w in rows]
    assert [w["user"] for w in started.data["witnesses"]] == ["witness", None]


def _certificate_text(request: Any) -> tuple[str, int]:
    with pdfplumber.open(io.BytesIO(certificate_bytes(request.certificate))) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        images = sum(len(page.images) for page in pdf.pages)
    return text, images


def test_the_certificate_is_the_destruction_inventory(approved, clerk, users):
    item = approved.items.get()
    record = Record.objects.get(pk=item.record_id)
    assert item.pages == record.page_count >= 1
    assert item.retention_period == "3 年 3 years"
    with translation.override("zh-hans"):  # as a Chinese screen starts it
        request = destruction_request_execute(
            request=approved, actor=clerk, witnesses=two_witnesses()
        )
    text, images = _certificate_text(request)
    flat = text.replace("\n", " ")
    assert "销毁清册 Destruction inventory" in text
    for value in (item.reference, item.title, str(item.document_date.year), "3 年 3 years"):
        assert value in flat, value
    assert item.sha256[:20] in text.replace("\n", "")
    assert "李明 (witness)" in text and "赵六" in text and "纪检监察室" in text
    approval = approved.approvals.get()
    assert users[roles.COMPLIANCE].username in text
    assert approval.approved_at.astimezone().strftime("%Y-%m-%d") in text
    assert images >= 2  # each witness's hand signature is printed
    assert certificate_verify(request.certificate) == []


def test_bilingual_labels_show_each_language_once(approved, clerk):
    """The certificate printed "类型 Type: 投诉 投诉" when made under the Chinese UI."""
    with translation.override("zh-hans"):
        request = destruction_request_execute(
            request=approved, actor=clerk, witnesses=two_witnesses()
        )
    text, _images = _certificate_text(request)
    assert "投诉 Complaint" in text
    assert "投诉 投诉" not in text


def test_the_signed_inventory_validates_with_pyhanko(approved, clerk):
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from retention.signing import signing_files

    request = destruction_request_execute(request=approved, actor=clerk, witnesses=two_witnesses())
    reader = PdfFileReader(io.BytesIO(certificate_bytes(request.certificate)))
    _kind, _headers, der = pem.unarmor(signing_files().cert.read_bytes())
    context = ValidationContext(trust_roots=[x509.Certificate.load(der)], allow_fetching=False)
    status = validate_pdf_signature(reader.embedded_signatures[0], context)
    assert status.intact and status.valid and status.trusted
    assert status.coverage is not None and status.coverage.name == "ENTIRE_FILE"


def test_an_inactive_user_cannot_witness(approved, clerk):
    gone = UserFactory.create(username="left", first_name="五", last_name="王")
    gone.is_active = False
    gone.save()
    witnesses = [WitnessSignature(png=signature_png(1), user=gone), two_witnesses()[1]]
    _refused(approved, clerk, witnesses, "not an active user")
