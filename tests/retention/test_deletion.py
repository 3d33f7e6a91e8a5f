"""A customer's deletion request: registered, answered (what no obligation covers is proposed
at once, the rest sealed), and the answer letter says what is kept, why and until when."""

from __future__ import annotations

import datetime
import io
import json
import re
from typing import Any

import pdfplumber
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.archive.services import complaint_open
from records_dms.audit.models import AuditEvent
from records_dms.cli.main import main
from retention.models import DeletionRequest, DeletionState, RecordRetention
from retention.services.deletion import (
    deletion_letter_bytes,
    deletion_request_answer,
    deletion_request_register,
)
from retention.services.holds import hold_place
from tests.conftest import client_for
from tests.factories import make_record
from tests.retention.helpers import closed_complaint_record

pytestmark = pytest.mark.django_db
CLERK, AUDITOR, COMPLIANCE = roles.CLERK, roles.AUDITOR, roles.COMPLIANCE


@pytest.fixture
def dossier(users: dict[str, Any], customer: Any, clerk: Any) -> dict[str, Any]:
    """Due and free; due but held; waiting for its case to close; kept until a date."""
    free = closed_complaint_record(customer, clerk, pdf=False)
    held = closed_complaint_record(customer, clerk, pdf=False)
    hold_place(actor=users[COMPLIANCE], reason="诉讼保全", records=[held])
    case = complaint_open(
        customer=customer,
        channel="direct",
        subject="仍在处理",
        opened_on=datetime.date(2025, 1, 6),
        actor=clerk,
    )
    waiting = make_record(customer, type="complaint", title="未结投诉", complaint=case, actor=clerk)
    minutes = make_record(
        customer, type="minutes", title="年度会议纪要", document_date=datetime.date(2024, 3, 1)
    )
    return {"free": free, "held": held, "waiting": waiting, "minutes": minutes}


def _letter_text(request: DeletionRequest) -> str:
    """The letter's running text, then each table cell on its own line (cells wrap)."""
    with pdfplumber.open(io.BytesIO(deletion_letter_bytes(request))) as pdf:
        parts = [page.extract_text() or "" for page in pdf.pages]
        for page in pdf.pages:
            for table in page.extract_tables():
                parts += [" ".join((cell or "").split()) for row in table for cell in row]
    return "\n".join(parts)


def test_answer_proposes_what_is_free_seals_the_rest_and_writes_the_letter(
    users, customer, dossier
):
    compliance = users[COMPLIANCE]
    request = deletion_request_register(
        customer=customer,
        received_on=datetime.date(2026, 11, 2),
        requester="张三(法务部)",
        notes="来函要求删除全部资料",
        actor=compliance,
    )
    assert request.number.startswith("SC-2026-") and request.state == DeletionState.RECEIVED
    answered = deletion_request_answer(request=request, actor=compliance)
    assert answered.state == DeletionState.ANSWERED
    destruction = answered.destruction
    assert destruction is not None and destruction.proposed_by == compliance
    assert [i.record_id for i in destruction.items.all()] == [dossier["free"].pk]
    customer.refresh_from_db()
    assert customer.sealed
    decisions = {row["reference"]: row for row in answered.answer}
    assert decisions[dossier["free"].reference]["decision"] == "destroy"
    for key in ("held", "waiting", "minutes"):
        assert decisions[dossier[key].reference]["decision"] == "keep", key
    assert "诉讼保全" in decisions[dossier["held"].reference]["why_zh"]
    assert decisions[dossier["minutes"].reference]["until"] == "2034-03-01"

    text = _letter_text(answered)
    compact = re.sub(r"\s+", "", text)  # CJK wrapping breaks lines anywhere

    def has(words: str) -> bool:
        return re.sub(r"\s+", "", words) in compact

    assert has("删除请求答复函") and has("Reply to your request for deletion")
    assert answered.number in compact and destruction.number in compact
    for key in ("free", "held", "waiting", "minutes"):
        assert dossier[key].reference in compact, key
    assert has("waiting for the case to close") and has("等待结案")
    assert "2034-03-01" in compact  # minutes: 10 years from the document date
    assert has("会议纪要") and has("Meeting minutes")  # the schedule: why it is kept
    assert AuditEvent.objects.filter(action="deletion_request.answered").exists()
    assert AuditEvent.objects.filter(action="dossier.sealed").exists()
    with pytest.raises(ValidationError, match="already answered"):
        deletion_request_answer(request=answered, actor=compliance)


def test_only_compliance_registers_and_answers(users, customer):
    with pytest.raises(PermissionDenied):
        deletion_request_register(
            customer=customer,
            received_on=datetime.date(2026, 1, 5),
            requester="x",
            actor=users[CLERK],
        )
    request = deletion_request_register(
        customer=customer,
        received_on=datetime.date(2026, 1, 5),
        requester="x",
        actor=users[COMPLIANCE],
    )
    for role in (CLERK, AUDITOR):
        with pytest.raises(PermissionDenied):
            deletion_request_answer(request=request, actor=users[role])


def test_a_request_with_nothing_free_only_seals(users, customer, clerk):
    kept = make_record(customer, type="minutes", document_date=datetime.date(2025, 1, 1))
    request = deletion_request_register(
        customer=customer,
        received_on=datetime.date(2026, 1, 5),
        requester="李四",
        actor=users[COMPLIANCE],
    )
    answered = deletion_request_answer(request=request, actor=users[COMPLIANCE])
    assert answered.destruction is None
    assert [row["decision"] for row in answered.answer] == ["keep"]
    assert RecordRetention.objects.get(record=kept).due_date == datetime.date(2035, 1, 1)
    customer.refresh_from_db()
    assert customer.sealed


def test_the_screens_register_answer_and_download_the_letter(users, customer, dossier):
    client = client_for(users[COMPLIANCE])
    response = client.post(
        reverse("retention:deletion_new"),
        {"customer": customer.pk, "received_on": "2026-11-02", "requester": "张三"},
    )
    request = DeletionRequest.objects.get()
    assert response["Location"] == reverse("retention:deletion", args=[request.pk])
    page = client.get(reverse("retention:deletion", args=[request.pk])).content.decode()
    assert "deletion-answer" in page
    client.post(reverse("retention:deletion_answer", args=[request.pk]))
    request.refresh_from_db()
    assert request.state == DeletionState.ANSWERED
    auditor = client_for(users[AUDITOR])
    page = auditor.get(reverse("retention:deletion", args=[request.pk])).content.decode()
    assert "deletion-answer" not in page and dossier["minutes"].reference in page
    letter = auditor.get(reverse("retention:deletion_letter", args=[request.pk]))
    assert letter.status_code == 200 and letter["Content-Type"] == "application/pdf"
    assert b"".join(letter.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert AuditEvent.objects.filter(action="deletion_request.letter_downloaded").exists()
    assert client_for(users[CLERK]).get(reverse("retention:deletions")).status_code in (
        302,
        403,
    )


def test_the_cli_registers_and_answers_with_as_and_json(users, customer, dossier, capsys, tmp_path):
    def run(*argv: str) -> Any:
        capsys.readouterr()
        assert main([*argv, "--json"]) == 0
        return json.loads(capsys.readouterr().out)

    registered = run(
        "retention", "deletion-request", "register", "KH-0101",
        "--received", "2026-11-02", "--requester", "张三", "--as", "compliance",
    )  # fmt: skip
    assert registered["state"] == "received" and registered["customer"] == "KH-0101"
    assert main(["retention", "deletion-request", "answer", registered["number"]]) == 1  # no --as
    letter = tmp_path / "letter.pdf"
    answered = run(
        "retention", "deletion-request", "answer", registered["number"],
        "--as", "compliance", "--letter", str(letter),
    )  # fmt: skip
    assert answered["state"] == "answered" and answered["sealed"] is True
    assert answered["destruction"].startswith("XH-")
    assert letter.read_bytes().startswith(b"%PDF")
    # Writing the letter out is a download like the screen's and the API's: logged.
    (logged,) = AuditEvent.objects.filter(action="deletion_request.letter_downloaded")
    assert logged.actor is not None and logged.actor.username == "compliance"
    assert logged.data["number"] == answered["number"]
    listed = run("retention", "deletion-request", "list")
    assert [row["number"] for row in listed] == [registered["number"]]
    unsealed = run("retention", "unseal", "KH-0101", "--reason", "误封", "--as", "compliance")
    assert unsealed["sealed"] is False
    assert main(["retention", "seal", "KH-0101", "--reason", "x", "--as", "clerk"]) == 1
