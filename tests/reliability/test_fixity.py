"""Fixity: stored originals re-hashed against their recorded SHA-256, daily and on demand."""

from __future__ import annotations

import datetime
import json
from dataclasses import replace

import pytest
from django.utils import timezone

from records_dms.archive.models import Record
from records_dms.audit.models import AuditEvent
from records_dms.audit.services import audit_chain_verify
from records_dms.cli.main import main
from records_dms.fixity.models import FixityCheck, FixityRun
from records_dms.fixity.services import (
    FIXITY_FAILED,
    fixity_run_all,
    fixity_run_share,
)
from retention.services.review import retention_daily_start
from tests.factories import file_pdf

pytestmark = pytest.mark.django_db


def _filed(customer, clerk, count: int) -> list[Record]:
    return [
        file_pdf(customer, actor=clerk, lines=[f"第{i}份会议纪要,核对存储文件。"], type="minutes")
        for i in range(count)
    ]


def _verify_fixity(capsys) -> tuple[int, dict]:
    code = main(["verify", "--fixity", "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_a_clean_store_passes(customer, clerk, users, capsys, mailoutbox):
    records = _filed(customer, clerk, 3)
    code, report = _verify_fixity(capsys)
    assert code == 0 and report["ok"] and report["counts"] == {"originals": 3}
    assert FixityCheck.objects.filter(ok=True).count() == 3
    assert not mailoutbox
    assert not AuditEvent.objects.filter(action=FIXITY_FAILED).exists()
    assert {c.record_id for c in FixityCheck.objects.all()} == {r.pk for r in records}


def test_one_changed_byte_is_reported_audited_and_mailed(
    customer, clerk, users, settings, capsys, mailoutbox
):
    damaged, intact = _filed(customer, clerk, 2)
    path = settings.MEDIA_ROOT / damaged.original_key
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))

    code, report = _verify_fixity(capsys)
    assert code == 1 and not report["ok"]
    assert report["findings"] == [
        {
            "check": "fixity",
            "subject": damaged.reference,
            "problem": "stored original does not match its SHA-256",
        }
    ]
    event = AuditEvent.objects.get(action=FIXITY_FAILED)
    assert event.object_id == str(damaged.pk) and event.data["problem"] == "mismatch"
    assert FixityCheck.objects.get(record=damaged).ok is False
    assert FixityCheck.objects.get(record=intact).ok is True
    # The compliance officers hear of it.
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [users["Compliance officer"].email]
    assert damaged.reference in mailoutbox[0].body
    assert audit_chain_verify() == []


def test_a_missing_original_is_reported(customer, clerk, users, settings, capsys, mailoutbox):
    (missing,) = _filed(customer, clerk, 1)
    (settings.MEDIA_ROOT / missing.original_key).unlink()
    code, report = _verify_fixity(capsys)
    assert code == 1
    assert report["findings"] == [
        {"check": "fixity", "subject": missing.reference, "problem": "stored original is missing"}
    ]
    assert AuditEvent.objects.get(action=FIXITY_FAILED).data["problem"] == "missing"
    assert len(mailoutbox) == 1 and missing.reference in mailoutbox[0].body


def test_each_day_checks_its_share_longest_unchecked_first(customer, clerk, settings):
    settings.FIXITY = replace(settings.FIXITY, days=2)
    records = _filed(customer, clerk, 5)
    first = fixity_run_share(datetime.date(2026, 3, 1))
    assert first is not None and (first.checked, first.problems) == (3, 0)  # ceil(5 / 2)
    assert set(FixityCheck.objects.values_list("record_id", flat=True)) == {
        r.pk for r in records[:3]
    }
    assert fixity_run_share(datetime.date(2026, 3, 1)) is None  # once a day
    second = fixity_run_share(datetime.date(2026, 3, 2))
    assert second is not None and second.checked == 3
    checks = {c.record_id: c.checked_at for c in FixityCheck.objects.all()}
    assert set(checks) == {r.pk for r in records}  # every original within two days
    # The oldest check of the first day was taken again.
    assert checks[records[0].pk] > checks[records[2].pk]
    assert FixityRun.objects.count() == 2
    assert AuditEvent.objects.filter(action="fixity.run").count() == 2


def test_the_daily_chain_a_worker_starts_runs_todays_share(customer, clerk, settings):
    settings.FIXITY = replace(settings.FIXITY, days=30)
    _filed(customer, clerk, 2)
    retention_daily_start()  # what `dms worker` runs when it starts
    run = FixityRun.objects.get()
    assert run.day == timezone.localdate()
    assert run.checked == 1 and run.problems == 0  # ceil(2 / 30)
    retention_daily_start()  # a second worker start the same day checks nothing more
    assert FixityRun.objects.get().checked == 1
    settings.FIXITY = replace(settings.FIXITY, days=0)
    FixityRun.objects.all().delete()
    retention_daily_start()
    assert not FixityRun.objects.exists()


def test_a_destroyed_record_is_not_a_finding(customer, clerk, settings):
    (record,) = _filed(customer, clerk, 1)
    (settings.MEDIA_ROOT / record.original_key).unlink()
    Record.objects.filter(pk=record.pk).update(state="destroyed")
    assert fixity_run_all() == (0, [])
