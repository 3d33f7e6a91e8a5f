"""The register is tamper-evident: a one-byte change anywhere is found by `dms verify`."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import connection, transaction

from records_dms.accounts import roles
from records_dms.cli.main import main
from records_dms.lending.models import AppendOnlyError, RegisterEntry
from records_dms.lending.register import register_verify
from records_dms.lending.services import loan_return
from tests.factories import make_record
from tests.lending.helpers import loan_out, signature_png

TABLE = RegisterEntry._meta.db_table


@pytest.fixture
def register(users, customer, clerk, django_capture_on_commit_callbacks) -> list[RegisterEntry]:
    """A loan taken out and returned: four entries, two of them with hand signatures."""
    with django_capture_on_commit_callbacks(execute=True):  # indexed, so dms verify is clean
        record = make_record(customer, title="投诉处理记录")
    loan = loan_out(record, borrower=users[roles.AUDITOR], approver=clerk, clerk=clerk)
    loan_return(loan=loan, actor=clerk, signature=signature_png(3))
    assert register_verify() == []
    return list(RegisterEntry.objects.order_by("sequence"))


def _one_byte_changed(value: Any) -> Any:
    """The same value with one character (or the number) changed, still of a valid form."""
    if isinstance(value, int):
        return value + 1000
    if isinstance(value, datetime.datetime):
        return value + datetime.timedelta(microseconds=1)
    if isinstance(value, dict):  # PostgreSQL hands JSON back decoded
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    for index in range(len(text) - 1, -1, -1):  # the last letter or digit: JSON stays JSON
        char = text[index]
        if char.isdigit():
            return text[:index] + str((int(char) + 1) % 10) + text[index + 1 :]
        if char.isalpha():
            swapped = "b" if char == "a" else "a"
            return text[:index] + swapped + text[index + 1 :]
    raise AssertionError(f"nothing to change in {value!r}")


def _columns() -> list[str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, TABLE)
    return [column.name for column in description]


@pytest.mark.django_db
def test_a_one_byte_change_in_any_column_of_any_entry_is_found(register):
    columns = _columns()
    checked = 0
    for entry in register:
        for column in columns:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {column} FROM {TABLE} WHERE sequence = %s", [entry.pk])  # noqa: S608
                (value,) = cursor.fetchone()
            if value is None or value == "":
                continue  # a null actor: nothing to change in place
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"UPDATE {TABLE} SET {column} = %s WHERE sequence = %s",  # noqa: S608
                        [_one_byte_changed(value), entry.pk],
                    )
                findings = register_verify()
                assert findings, (entry.pk, column)
                transaction.set_rollback(True)
            checked += 1
    assert checked >= len(register) * 9
    assert register_verify() == []


@pytest.mark.django_db
def test_a_changed_byte_in_a_signature_image_is_found(register):
    signed = [e for e in register if e.data.get("signatures")]
    assert [e.event for e in signed] == ["checked_out", "returned"]
    key = signed[0].data["signatures"][0]["key"]
    path = default_storage.path(key)
    with open(path, "r+b") as handle:
        handle.seek(40)
        byte = handle.read(1)
        handle.seek(40)
        handle.write(bytes([byte[0] ^ 0x01]))
    findings = register_verify()
    assert [(f.sequence, "signature image" in f.problem) for f in findings] == [
        (signed[0].sequence, True)
    ]


@pytest.mark.django_db
def test_removed_entries_are_found(register):
    last = register[-1]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE sequence = %s", [last.pk])  # noqa: S608
    assert any(f.sequence is None for f in register_verify())
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE sequence = %s", [register[1].pk])  # noqa: S608
    assert any(f.sequence == register[2].sequence for f in register_verify())


@pytest.mark.django_db
def test_a_rehashed_entry_still_fails_its_server_signature(register):
    """Someone who edits an entry and recomputes its hash cannot sign it without the key."""
    last = register[-1]
    last.data["note"] = "改过"
    new_hash = last.compute_hash()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET data = %s, hash = %s WHERE sequence = %s",  # noqa: S608
            [json.dumps(last.data, ensure_ascii=False), new_hash, last.pk],
        )
    problems = [f.problem for f in register_verify()]
    assert "server signature does not verify" in problems


@pytest.mark.django_db
def test_entries_cannot_be_changed_through_the_orm(register):
    with pytest.raises(AppendOnlyError):
        register[0].save()
    with pytest.raises(AppendOnlyError):
        RegisterEntry.objects.filter(pk=register[0].pk).update(actor_name="x")
    with pytest.raises(AppendOnlyError):
        RegisterEntry.objects.all().delete()


@pytest.mark.django_db
def test_dms_verify_reports_the_register_and_exits_1_when_tampered(register, capsys):
    assert main(["verify", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["counts"]["register_entries"] == len(register)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {TABLE} SET actor_name = %s WHERE sequence = %s",  # noqa: S608
            ["clerK", register[2].pk],
        )
    assert main(["verify", "--json"]) == 1
    printed = json.loads(capsys.readouterr().out)
    assert {f["check"] for f in printed["findings"]} == {"register"}
    assert printed["findings"][0]["subject"] == str(register[2].sequence)
