"""Retention drives S3 Object Lock: due dates lock originals, holds set the legal-hold flag,
an approved destruction removes the versions and its certificate names them.

Against moto's S3 server on loopback (see conftest) or a real store via DMS_S3_ENDPOINT. Lock
fields are read with head_object (moto answers get_object_retention with a server error).
"""

from __future__ import annotations

import datetime
import subprocess
import tempfile
from dataclasses import replace

import pytest
from botocore.exceptions import ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from records_dms.accounts import roles
from records_dms.archive.models import Record, RecordState
from records_dms.archive.object_lock import original_destroy
from records_dms.archive.services import complaint_open, complaint_update
from records_dms.fixity.verify import verify_all
from retention.certificates import certificate_bytes, certificates_verify
from retention.models import ItemState, RequestState, RetentionSchedule
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_execute,
    destruction_request_propose,
)
from retention.services.holds import hold_lift, hold_place
from retention.services.review import retention_extend
from retention.services.schedules import add_period, schedule_update
from tests.factories import file_pdf
from tests.retention.helpers import closed_complaint_record, two_witnesses

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today


def _until(day: datetime.date) -> datetime.datetime:
    """The retain-until a due date gives: through the whole of that day (UTC)."""
    return datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time.min, tzinfo=datetime.UTC
    )


def _head(s3, record: Record) -> dict:
    return s3.client.head_object(Bucket=s3.bucket, Key=record.original_key)


def _case_closed_today(customer, clerk, **fields) -> Record:
    """A complaint whose case closes today: due in three years (the default schedule)."""
    case = complaint_open(
        customer=customer,
        channel="direct",
        subject="维修不及时",
        opened_on=TODAY() - datetime.timedelta(days=10),
        actor=clerk,
    )
    record = file_pdf(customer, actor=clerk, complaint=case, **fields)
    complaint_update(complaint=case, actor=clerk, closed_on=TODAY())
    record.refresh_from_db()
    return record


def test_a_due_date_locks_the_original_and_an_extension_locks_it_longer(s3, customer, clerk):
    record = _case_closed_today(customer, clerk)
    due = record.retention.due_date
    assert due == add_period(TODAY(), years=3)
    head = _head(s3, record)
    assert head["ObjectLockMode"] == "GOVERNANCE"
    assert head["ObjectLockRetainUntilDate"] == _until(due)

    later = due + datetime.timedelta(days=400)
    retention_extend(records=[record], until=later, reason="诉讼可能", actor=clerk)
    assert _head(s3, record)["ObjectLockRetainUntilDate"] == _until(later)
    # Moved earlier again: the store keeps the longer lock.
    sooner = TODAY() + datetime.timedelta(days=100)
    retention_extend(records=[record], until=sooner, reason="更正", actor=clerk)
    record.retention.refresh_from_db()
    assert record.retention.due_date == sooner
    assert _head(s3, record)["ObjectLockRetainUntilDate"] == _until(later)


def test_a_locked_original_refuses_a_delete_outside_an_approved_destruction(s3, customer, clerk):
    record = _case_closed_today(customer, clerk)
    version = s3.versions(record.original_key)[0]["VersionId"]
    with pytest.raises(ClientError) as refused:
        s3.client.delete_object(Bucket=s3.bucket, Key=record.original_key, VersionId=version)
    assert refused.value.response["Error"]["Code"] == "AccessDenied"
    with pytest.raises(PermissionError):
        original_destroy(record, approved=False)
    assert [v["VersionId"] for v in s3.versions(record.original_key)] == [version]


def test_a_schedule_edit_relocks_every_record_it_moves_later(s3, users, customer, clerk):
    first = _case_closed_today(customer, clerk, lines=["第一份投诉"])
    second = _case_closed_today(customer, clerk, lines=["第二份投诉"])
    schedule = RetentionSchedule.objects.get(code="complaint")
    schedule_update(schedule=schedule, actor=users[roles.ADMINISTRATOR], period_years=5)
    for record in (first, second):
        record.retention.refresh_from_db()
        due = record.retention.due_date
        assert due is not None and due.year == TODAY().year + 5
        assert _head(s3, record)["ObjectLockRetainUntilDate"] == _until(due)
    # Shortened again: due dates follow, the locks stay.
    schedule_update(schedule=schedule, actor=users[roles.ADMINISTRATOR], period_years=3)
    first.retention.refresh_from_db()
    assert first.retention.due_date == add_period(TODAY(), years=3)
    assert _head(s3, first)["ObjectLockRetainUntilDate"].year == TODAY().year + 5


def test_holds_set_the_legal_hold_flag_until_the_last_one_lifts(
    s3, users, customer, clerk, django_capture_on_commit_callbacks
):
    officer = users[roles.COMPLIANCE]
    record = file_pdf(customer, actor=clerk)
    assert _head(s3, record).get("ObjectLockLegalHoldStatus", "OFF") == "OFF"
    on_record = hold_place(actor=officer, reason="诉讼", records=[record])
    assert _head(s3, record)["ObjectLockLegalHoldStatus"] == "ON"
    on_dossier = hold_place(actor=officer, reason="监管检查", customer=customer)
    # A record filed into a held dossier is flagged at once.
    newcomer = file_pdf(customer, actor=clerk, lines=["冻结期间归档"])
    assert _head(s3, newcomer)["ObjectLockLegalHoldStatus"] == "ON"

    with django_capture_on_commit_callbacks(execute=True):
        hold_lift(hold=on_record, actor=officer, reason="结案")
    assert _head(s3, record)["ObjectLockLegalHoldStatus"] == "ON"  # the dossier hold remains
    with django_capture_on_commit_callbacks(execute=True):
        hold_lift(hold=on_dossier, actor=officer, reason="检查结束")
    assert _head(s3, record)["ObjectLockLegalHoldStatus"] == "OFF"
    assert _head(s3, newcomer)["ObjectLockLegalHoldStatus"] == "OFF"


def _due_with_rendition(customer, clerk, lines: list[str]) -> Record:
    record = closed_complaint_record(customer, clerk, lines=lines)
    key = default_storage.save(f"renditions/{record.sha256}.pdf", ContentFile(b"%PDF-1.4 r"))
    Record.objects.filter(pk=record.pk).update(rendition_key=key)
    record.refresh_from_db()
    return record


def _approved(records: list[Record], clerk, users):
    request = destruction_request_propose(records=records, actor=clerk)
    return destruction_request_approve(request=request, actor=users[roles.COMPLIANCE])


def test_destruction_removes_every_version_and_the_certificate_names_them(
    s3, users, customer, clerk, django_capture_on_commit_callbacks
):
    record = _due_with_rendition(customer, clerk, ["到期应销毁的投诉"])
    # Still inside the minimum lock written with it: only the approved destruction's
    # governance bypass can remove it.
    assert _head(s3, record)["ObjectLockRetainUntilDate"] > datetime.datetime.now(datetime.UTC)
    original_versions = [v["VersionId"] for v in s3.versions(record.original_key)]
    rendition_versions = [v["VersionId"] for v in s3.versions(record.rendition_key)]
    request = _approved([record], clerk, users)
    # The certificate is indexed when its transaction commits (verify checks the index).
    with django_capture_on_commit_callbacks(execute=True):
        request = destruction_request_execute(
            witnesses=two_witnesses(), request=request, actor=clerk
        )

    assert request.state == RequestState.COMPLETED
    item = request.items.get()
    assert item.state == ItemState.DESTROYED
    assert item.version_ids == [*original_versions, *rendition_versions]
    for key in (item.original_key, item.rendition_key):
        listing = s3.client.list_object_versions(Bucket=s3.bucket, Prefix=key)
        assert not listing.get("Versions") and not listing.get("DeleteMarkers")
    record.refresh_from_db()
    assert record.state == RecordState.DESTROYED

    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(certificate_bytes(request.certificate))
        pdf.flush()
        text = subprocess.run(
            ["pdftotext", pdf.name, "-"], capture_output=True, text=True, check=True
        ).stdout
    assert "Storage object versions removed" in text
    flat = "".join(text.split())
    assert all(version in flat for version in item.version_ids)
    findings, _counts = verify_all()  # `dms verify`
    assert findings == []


def test_compliance_mode_leaves_a_record_the_store_still_locks(
    s3, users, customer, clerk, settings
):
    settings.STORAGE = replace(settings.STORAGE, s3_lock_mode="COMPLIANCE")
    locked = closed_complaint_record(customer, clerk, lines=["合规锁定期内"])
    request = destruction_request_execute(
        witnesses=two_witnesses(), request=_approved([locked], clerk, users), actor=clerk
    )
    assert request.state == RequestState.COMPLETED
    item = request.items.get()
    assert item.state == ItemState.SKIPPED and "refused" in item.skip_reason
    locked.refresh_from_db()
    assert locked.state == RecordState.FILED
    assert len(s3.versions(locked.original_key)) == 1
    assert certificates_verify() == []
