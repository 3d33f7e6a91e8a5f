"""Checkpoints kept outside the database: the daily e-mail, backups, `dms verify --checkpoint`."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from records_dms.accounts import roles
from records_dms.audit.models import AuditChainHead
from records_dms.audit.services import audit_log
from records_dms.cli.main import main
from records_dms.common.checkpoints import Checkpoint, checkpoint_log_path
from records_dms.fixity.backup import backup_write
from records_dms.fixity.checkpoints import checkpoints_mail_daily

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(users: dict[str, Any]) -> Any:
    user = users[roles.COMPLIANCE]
    user.email = "compliance@example.invalid"
    user.save(update_fields=["email"])
    return user


def test_the_daily_email_carries_the_signed_heads_once_a_day(officer, clerk):
    audit_log(action="test.event", actor=clerk)
    today = datetime.date(2026, 12, 5)
    assert checkpoints_mail_daily(today) is not None
    assert checkpoints_mail_daily(today) is None  # a second worker the same day
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["compliance@example.invalid"]
    lines = [line for line in mail.outbox[0].body.splitlines() if line.startswith("{")]
    audit = Checkpoint.from_line(lines[0])
    head = AuditChainHead.objects.get(id=1)
    assert (audit.chain, audit.count, audit.head) == ("audit", head.last_sequence, head.last_hash)


def test_the_emailed_checkpoint_alone_shows_a_cut(officer, clerk, tmp_path, capsys):
    """The attacker also removed the data dir's log: the e-mailed lines still catch the cut."""
    audit_log(action="test.event", actor=clerk)
    earlier = AuditChainHead.objects.get(id=1)
    audit_log(action="test.later", actor=clerk)
    checkpoints_mail_daily(datetime.date(2026, 12, 5))
    saved = tmp_path / "from-the-email.txt"
    saved.write_text(mail.outbox[0].body, encoding="utf-8")
    assert main(["verify", "--checkpoint", str(saved)]) == 0
    capsys.readouterr()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE sequence > %s", [earlier.last_sequence])
        cursor.execute(
            "UPDATE audit_auditchainhead SET last_sequence = %s, last_hash = %s, signature = %s "
            "WHERE id = 1",
            [earlier.last_sequence, earlier.last_hash, earlier.signature],
        )
    checkpoint_log_path().unlink(missing_ok=True)
    assert main(["verify", "--json", "--checkpoint", str(saved)]) == 1
    problems = [f["problem"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert any(p.startswith("truncated: the checkpoint of") for p in problems), problems


def test_a_backup_holds_the_checkpoints(clerk, tmp_path, capsys):
    audit_log(action="test.event", actor=clerk)
    bag = tmp_path / "bag"
    backup_write(bag, actor=clerk)
    lines = (bag / "data" / "chain-checkpoints.log").read_text().splitlines()
    assert any(Checkpoint.from_line(line).chain == "audit" for line in lines)
    assert main(["verify", "--checkpoint", str(bag / "data" / "chain-checkpoints.log")]) == 0


def test_verify_refuses_a_checkpoint_file_that_is_not_one(tmp_path, capsys, db):
    bad = tmp_path / "bad.txt"
    bad.write_text('{"chain": "audit"}\n', encoding="utf-8")
    assert main(["verify", "--checkpoint", str(bad)]) == 1
    assert "damaged" in capsys.readouterr().err
