# ruff: noqa: S608  (table names come from the models, values are parameters)
"""Forgery with write access to the database: every case makes `dms verify` exit 1 naming what
changed. Each change goes through the raw connection (SQL UPDATE/DELETE), past the ORM's
append-only guards, as someone with the database file or a database login would."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from typing import Any

import pytest
from django.db import connection

from records_dms.accounts import roles
from records_dms.audit.models import AuditChainHead, AuditEvent
from records_dms.audit.services import audit_log
from records_dms.cli.main import main
from records_dms.common.chain import seal, seal_diff
from records_dms.common.checkpoints import checkpoint_log_path
from records_dms.lending.models import Loan, LoanItem, RegisterEntry, RegisterHead
from retention.models import (
    DestructionApproval,
    DestructionCertificate,
    DestructionItem,
    DestructionWitness,
)
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_execute,
    destruction_request_propose,
)
from tests.factories import UserFactory, make_record
from tests.lending.helpers import loan_out
from tests.retention.helpers import closed_complaint_record, two_witnesses

pytestmark = pytest.mark.django_db


def _sql(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _verify(capsys: Any) -> tuple[int, list[dict[str, str]]]:
    code = main(["verify", "--json"])
    report = json.loads(capsys.readouterr().out)
    return code, report["findings"]


def _problems(findings: list[dict[str, str]], check: str) -> list[str]:
    return [f"{f['subject']}: {f['problem']}" for f in findings if f["check"] == check]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Any) -> Any:
    """Run the work as if each transaction committed: on-commit hooks (indexing, checkpoint
    lines) run."""

    def run(work: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return work()

    return run


@pytest.fixture
def archive(users, customer, clerk, committed) -> dict[str, Any]:
    """A small archive: audited events, a loan out (register entries), and a destruction
    request approved by two officers and executed, with its certificate."""
    officer = users[roles.COMPLIANCE]
    second = UserFactory.create(username="compliance2", role=roles.COMPLIANCE)

    def work() -> dict[str, Any]:
        lent = make_record(customer, title="合同", actor=clerk)
        loan = loan_out(lent, borrower=users[roles.AUDITOR], approver=clerk, clerk=clerk)
        due = closed_complaint_record(customer, clerk)
        request = destruction_request_propose(records=[due], actor=clerk, reason="到期")
        destruction_request_approve(request=request, actor=officer)
        destruction_request_approve(request=request, actor=second)
        request = destruction_request_execute(
            witnesses=two_witnesses(), request=request, actor=clerk
        )
        for n in range(3):
            audit_log(action="test.event", actor=clerk, data={"n": n})
        return {"loan": loan, "request": request, "certificate": request.certificate}

    return committed(work)


@pytest.fixture(autouse=True)
def _two_approvers(settings: Any) -> None:
    settings.RETENTION = replace(settings.RETENTION, destruction_approvers=2)


def test_an_untouched_archive_verifies_clean(archive, capsys):
    assert checkpoint_log_path().exists()
    code, findings = _verify(capsys)
    assert (code, findings) == (0, [])


# The chains ------------------------------------------------------------------------------------


def _head(model: Any) -> tuple[int, str, str, str]:
    head = model.objects.get(id=1)
    return head.last_sequence, head.last_hash, head.key_id, head.signature


def _head_set(model: Any, values: tuple[int, str, str, str]) -> None:
    _sql(
        f"UPDATE {model._meta.db_table} SET last_sequence = %s, last_hash = %s, key_id = %s, "
        "signature = %s WHERE id = 1",
        list(values),
    )


def test_the_last_audit_events_deleted_and_the_head_moved_back(archive, clerk, committed, capsys):
    """The head is set back to a state it really had, with the signature it really carried
    then (a replay): only the checkpoint outside the database shows the cut."""
    earlier = _head(AuditChainHead)
    committed(lambda: [audit_log(action="test.later", actor=clerk) for _ in range(2)])
    _sql("DELETE FROM audit_auditevent WHERE sequence > %s", [earlier[0]])
    _head_set(AuditChainHead, earlier)
    code, findings = _verify(capsys)
    assert code == 1
    assert _problems(findings, "audit") == [
        f"head: truncated: the checkpoint of {_newest_at('audit')} names #{earlier[0] + 2}, "
        f"the events end at #{earlier[0]} (2 events deleted)"
    ]


def test_audit_events_deleted_and_the_head_moved_without_the_key(archive, capsys):
    last, _hash, key_id, signature = _head(AuditChainHead)
    previous = AuditEvent.objects.get(sequence=last - 1).hash
    _sql("DELETE FROM audit_auditevent WHERE sequence = %s", [last])
    _head_set(AuditChainHead, (last - 1, previous, key_id, signature))
    code, findings = _verify(capsys)
    problems = _problems(findings, "audit")
    assert code == 1
    assert any("server signature does not verify" in p for p in problems)
    assert any(f"names #{last}" in p and "1 events deleted" in p for p in problems)


def test_an_audit_event_rewritten_with_every_later_hash_recomputed(archive, capsys):
    """The forger changes event #k and recomputes the hash of it and every event after it,
    and the head: each row is consistent, but the head's signature and the checkpoints are
    not."""
    target = AuditEvent.objects.filter(action="test.event").order_by("sequence").first()
    assert target is not None
    previous_hash = target.previous_hash
    for event in AuditEvent.objects.filter(sequence__gte=target.sequence).order_by("sequence"):
        event.previous_hash = previous_hash
        if event.sequence == target.sequence:
            event.data = {"n": 99}
        event.hash = event.compute_hash()
        _sql(
            "UPDATE audit_auditevent SET data = %s, previous_hash = %s, hash = %s "
            "WHERE sequence = %s",
            [json.dumps(event.data), event.previous_hash, event.hash, event.sequence],
        )
        previous_hash = event.hash
    last, _hash, key_id, signature = _head(AuditChainHead)
    _head_set(AuditChainHead, (last, previous_hash, key_id, signature))
    code, findings = _verify(capsys)
    problems = _problems(findings, "audit")
    assert code == 1
    assert f"{target.sequence}: differs from its checkpoint: rewritten, and the hashes of " in (
        " ".join(problems)
    )
    assert any("server signature does not verify" in p for p in problems)
    assert not any("content does not match" in p for p in problems)  # every row was consistent


def test_the_last_register_entry_deleted_and_its_head_moved_back(archive, capsys):
    last = _head(RegisterHead)[0]
    previous = RegisterEntry.objects.get(sequence=last - 1)
    _sql(f"DELETE FROM {RegisterEntry._meta.db_table} WHERE sequence = %s", [last])
    # The head as it was before: the hash of the entry now last, and no signature at all.
    _head_set(RegisterHead, (last - 1, previous.hash, "", ""))
    code, findings = _verify(capsys)
    problems = _problems(findings, "register")
    assert code == 1
    assert "head: the chain head is not signed" in problems
    assert any(f"names #{last}" in p and "(1 entries deleted)" in p for p in problems)


def test_a_damaged_checkpoint_line_is_reported(archive, capsys):
    with checkpoint_log_path().open("a", encoding="utf-8") as log:
        log.write('{"chain": "audit", "count": \n')
    code, findings = _verify(capsys)
    assert code == 1 and any("is damaged" in f["problem"] for f in findings)


def _newest_at(chain: str) -> str:
    newest = None
    for line in checkpoint_log_path().read_text().splitlines():
        item = json.loads(line)
        if item["chain"] == chain and (newest is None or item["count"] >= newest["count"]):
            newest = item
    assert newest is not None
    return str(newest["at"])


# Sealed rows -----------------------------------------------------------------------------------


def test_a_certificate_number_or_date_changed(archive, capsys):
    certificate = archive["certificate"]
    table = DestructionCertificate._meta.db_table
    _sql(f"UPDATE {table} SET number = %s WHERE id = %s", ["XHJL-2020-0001", certificate.pk])
    _sql(
        f"UPDATE {table} SET issued_at = %s WHERE id = %s", ["2020-01-01 00:00:00", certificate.pk]
    )
    code, findings = _verify(capsys)
    assert code == 1
    assert _problems(findings, "destruction") == [
        f"certificate {certificate.number}: issued_at changed",
        f"certificate {certificate.number}: number changed",
    ]


def test_a_certificate_row_deleted(archive, capsys):
    certificate = archive["certificate"]
    _sql(f"DELETE FROM {DestructionCertificate._meta.db_table} WHERE id = %s", [certificate.pk])
    code, findings = _verify(capsys)
    assert code == 1
    assert f"certificate {certificate.number}: deleted" in _problems(findings, "destruction")


def test_destruction_item_reference_and_sha256_changed(archive, capsys):
    request = archive["request"]
    item = DestructionItem.objects.get(request=request)
    table = DestructionItem._meta.db_table
    _sql(
        f"UPDATE {table} SET reference = %s, sha256 = %s WHERE id = %s", ["X-1", "0" * 64, item.pk]
    )
    code, findings = _verify(capsys)
    assert code == 1
    assert _problems(findings, "destruction") == [
        f"destruction request {request.number}: item {item.pk}.reference changed",
        f"destruction request {request.number}: item {item.pk}.sha256 changed",
    ]


def test_a_destruction_approval_deleted(archive, capsys):
    request = archive["request"]
    approval = DestructionApproval.objects.filter(request=request).last()
    assert approval is not None
    _sql(f"DELETE FROM {DestructionApproval._meta.db_table} WHERE id = %s", [approval.pk])
    code, findings = _verify(capsys)
    assert code == 1
    assert _problems(findings, "destruction") == [
        f"destruction request {request.number}: approval {approval.pk} deleted"
    ]


def test_a_witness_changed_or_deleted(archive, capsys):
    """销毁清册: another witness written in, or one removed, is found."""
    request = archive["request"]
    first, second = DestructionWitness.objects.filter(request=request).order_by("position")
    table = DestructionWitness._meta.db_table
    _sql(f"UPDATE {table} SET name = %s, user_id = NULL WHERE id = %s", ["孙八", first.pk])
    _sql(f"DELETE FROM {table} WHERE id = %s", [second.pk])
    code, findings = _verify(capsys)
    assert code == 1
    assert _problems(findings, "destruction") == [
        f"destruction request {request.number}: witness {first.pk}.name changed",
        f"destruction request {request.number}: witness {first.pk}.user_id changed",
        f"destruction request {request.number}: witness {second.pk} deleted",
    ]


def test_a_witness_signature_swapped(archive, capsys):
    """A signature image replaced, with its recorded SHA-256 rewritten to match: the seal
    still holds the digest signed at execution; the stored image rewritten in place is also
    found on its own."""
    from django.core.files.storage import default_storage

    from tests.lending.helpers import signature_png

    request = archive["request"]
    first, second = DestructionWitness.objects.filter(request=request).order_by("position")
    forged = hashlib.sha256(signature_png(9)).hexdigest()
    _sql(
        f"UPDATE {DestructionWitness._meta.db_table} SET sha256 = %s WHERE id = %s",
        [forged, first.pk],
    )
    with default_storage.open(second.image_key, "wb") as handle:
        handle.write(signature_png(9))
    code, findings = _verify(capsys)
    assert code == 1
    assert sorted(_problems(findings, "destruction")) == [
        f"destruction request {request.number}: witness {first.pk} (李明): the signature image "
        "is missing or changed",
        f"destruction request {request.number}: witness {first.pk}.sha256 changed",
        f"destruction request {request.number}: witness {second.pk} (赵六): the signature image "
        "is missing or changed",
    ]


def test_an_inventory_row_changed(archive, capsys):
    """销毁清册: an item's pages or retention period rewritten is found."""
    request = archive["request"]
    item = DestructionItem.objects.get(request=request)
    table = DestructionItem._meta.db_table
    _sql(
        f"UPDATE {table} SET pages = %s, retention_period = %s WHERE id = %s",
        [99, "永久 Permanent", item.pk],
    )
    code, findings = _verify(capsys)
    assert code == 1
    assert _problems(findings, "destruction") == [
        f"destruction request {request.number}: item {item.pk}.pages changed",
        f"destruction request {request.number}: item {item.pk}.retention_period changed",
    ]


@pytest.mark.parametrize(
    ("column", "value", "field"),
    [
        ("due_on", "2030-01-01", "due_on"),
        ("borrower_id", None, "borrower"),  # None: the clerk's id
    ],
)
def test_a_loan_changed(archive, clerk, column, value, field, capsys):
    loan = archive["loan"]
    table = Loan._meta.db_table
    _sql(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value or clerk.pk, loan.pk])
    code, findings = _verify(capsys)
    assert code == 1
    assert _problems(findings, "loans") == [f"{loan.number}: {field} changed"]


def test_a_loan_item_changed_to_another_record(archive, customer, clerk, capsys):
    loan = archive["loan"]
    other = make_record(customer, title="别的文件", actor=clerk)
    item = LoanItem.objects.get(loan=loan)
    _sql(f"UPDATE {LoanItem._meta.db_table} SET record_id = %s WHERE id = %s", [other.pk, item.pk])
    code, findings = _verify(capsys)
    assert code == 1
    assert _problems(findings, "loans") == [f"{loan.number}: item {item.pk}.record changed"]


def test_a_loan_deleted(archive, capsys):
    loan = archive["loan"]
    _sql(f"DELETE FROM {LoanItem._meta.db_table} WHERE loan_id = %s", [loan.pk])
    _sql(f"DELETE FROM {Loan._meta.db_table} WHERE id = %s", [loan.pk])
    code, findings = _verify(capsys)
    assert code == 1
    assert f"{loan.number}: the loan has been deleted" in _problems(findings, "loans")


def test_findings_are_listed_as_a_reader_counts():
    """`dms verify` lists witness 9 before witness 10 (PostgreSQL gave these ids; a byte-wise
    sort put "witness 10 deleted" first and the order of the report depended on the database)."""
    witnesses = {"witness 9": {"name": "张三"}, "witness 10": {"name": "李四"}}
    sealed = seal("request", 1, "XH", witnesses)
    problems = seal_diff(sealed["fields"], {"witness 9": {"name": "孙八"}})
    assert problems == ["witness 9.name changed", "witness 10 deleted"]
