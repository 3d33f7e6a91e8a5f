import pytest
from django.db import connection

from records_dms.audit.models import AppendOnlyError, AuditEvent
from records_dms.audit.services import audit_chain_verify, audit_log, audit_operator
from records_dms.cli.main import main

pytestmark = pytest.mark.django_db


def _three_events(clerk):
    return [
        audit_log(action="test.event", actor=clerk, data={"n": n, "文字": "档案"}) for n in range(3)
    ]


def test_each_event_chains_to_the_one_before(clerk):
    first, second, third = _three_events(clerk)
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    # (The users fixture's role assignments are audited too, so the chain does not start here.)
    assert [e.sequence - first.sequence for e in (first, second, third)] == [0, 1, 2]
    assert audit_chain_verify() == []


def test_orm_refuses_to_change_or_delete_events(clerk):
    event = _three_events(clerk)[0]
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_verify_names_the_first_event_edited_with_raw_sql(clerk, capsys):
    _three_events(clerk)
    _raw("UPDATE audit_auditevent SET purpose = %s WHERE sequence = %s", ["改过", 2])
    assert main(["verify"]) == 1
    out = capsys.readouterr().out
    assert "audit: 2:" in out
    assert "content does not match its hash" in out


def test_verify_detects_a_deleted_event_in_the_middle_and_at_the_end(clerk):
    first, _second, third = _three_events(clerk)
    _raw("DELETE FROM audit_auditevent WHERE sequence = %s", [third.sequence])
    findings = audit_chain_verify()
    assert findings and "missing" in findings[0].problem
    _raw("DELETE FROM audit_auditevent WHERE sequence = %s", [first.sequence])
    assert audit_chain_verify()[0].sequence == first.sequence + 1


def test_verify_exits_zero_on_an_intact_chain(clerk, capsys):
    _three_events(clerk)
    assert main(["verify", "--json"]) == 0
    assert '"ok": true' in capsys.readouterr().out


def test_events_without_a_user_name_the_operator():
    with audit_operator("cli:records"):
        event = audit_log(action="test.event")
    assert event.actor_name == "cli:records"
    assert event.actor is None
