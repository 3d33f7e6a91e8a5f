"""`dms retention due`, `dms hold …` and `dms destruction …`, as operators script them."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.test import TestCase

from records_dms.cli.main import main
from retention.models import DestructionRequest
from tests.lending.helpers import signature_png
from tests.retention.helpers import closed_complaint_record

pytestmark = pytest.mark.django_db


def run_json(capsys, *argv: str) -> Any:
    assert main([*argv, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def test_due_lists_records_with_schedule_and_due_date(capsys, users, customer, clerk):
    record = closed_complaint_record(customer, clerk, closed_on=datetime.date(2021, 3, 15))
    rows = run_json(capsys, "retention", "due", "--on", "2024-03-15")
    assert rows == [
        {
            "reference": record.reference,
            "customer": "KH-0101",
            "type": "complaint",
            "title": record.title,
            "schedule": "complaint",
            "trigger_date": "2021-03-15",
            "due_date": "2024-03-15",
        }
    ]
    assert run_json(capsys, "retention", "due", "--on", "2024-03-14") == []


def test_bad_date_is_bad_usage():
    with pytest.raises(SystemExit) as exit_info:
        main(["retention", "due", "--on", "15.3.2024"])
    assert exit_info.value.code == 2


def test_the_whole_workflow_with_as(capsys, users, customer, clerk, tmp_path):
    record = closed_complaint_record(customer, clerk)
    original_key = record.original_key

    hold = run_json(
        capsys, "hold", "place", record.reference, "--reason", "诉讼", "--as", "compliance"
    )
    assert hold["records"] == [record.reference] and hold["active"]
    assert main(["destruction", "propose", record.reference, "--as", "clerk"]) == 1
    assert "held" in capsys.readouterr().err
    assert main(["hold", "lift", str(hold["id"]), "--as", "clerk"]) == 1
    capsys.readouterr()
    lifted = run_json(capsys, "hold", "lift", str(hold["id"]), "--as", "compliance")
    assert lifted["active"] is False

    proposed = run_json(capsys, "destruction", "propose", record.reference, "--as", "clerk")
    assert proposed["state"] == "submitted" and proposed["proposed_by"] == "clerk"
    request_id = str(proposed["id"])
    # The proposer cannot approve, not from the CLI either.
    assert main(["destruction", "approve", request_id, "--as", "clerk"]) == 1
    assert "may not" in capsys.readouterr().err
    # Without --as there is nobody to hold responsible.
    assert main(["destruction", "approve", request_id]) == 1
    capsys.readouterr()
    approved = run_json(capsys, "destruction", "approve", request_id, "--as", "compliance")
    assert approved["state"] == "approved" and approved["approved_by"] == ["compliance"]

    # Two witnesses (监销人) sign: a user by user name, a person by name and department.
    (tmp_path / "auditor.png").write_bytes(signature_png(1))
    (tmp_path / "zhao.png").write_bytes(signature_png(2))
    one = ["--witness", f"auditor={tmp_path / 'auditor.png'}"]
    assert main(["destruction", "execute", request_id, *one, "--as", "clerk"]) == 1
    assert "At least 2 witnesses" in capsys.readouterr().err
    bad = ["--witness", "auditor"]
    assert main(["destruction", "execute", request_id, *one, *bad, "--as", "clerk"]) == 1
    assert "give NAME=PNG" in capsys.readouterr().err
    missing = ["--witness", f"赵六={tmp_path / 'none.png'}"]
    assert main(["destruction", "execute", request_id, *one, *missing, "--as", "clerk"]) == 1
    assert "none.png" in capsys.readouterr().err
    two = [*one, "--witness", f"赵六/纪检监察室={tmp_path / 'zhao.png'}"]
    with TestCase.captureOnCommitCallbacks(execute=True):  # the commit indexes the certificate
        executed = run_json(
            capsys, "destruction", "execute", proposed["number"], *two, "--as", "clerk"
        )
    assert executed["state"] == "completed"
    assert [(w["name"], w["user"], w["unit"]) for w in executed["witnesses"]] == [
        ("auditor", "auditor", ""),
        ("赵六", None, "纪检监察室"),
    ]
    assert executed["certificate"].startswith("XHJL-")
    assert executed["items"][0]["state"] == "destroyed"
    assert not default_storage.exists(original_key)
    shown = run_json(capsys, "destruction", "show", request_id)
    assert shown == executed

    assert main(["verify"]) == 0
    assert "1 certificates" in capsys.readouterr().out


def test_reject_from_the_cli(capsys, users, customer, clerk):
    record = closed_complaint_record(customer, clerk)
    proposed = run_json(capsys, "destruction", "propose", record.reference, "--as", "clerk")
    rejected = run_json(
        capsys,
        "destruction",
        "reject",
        str(proposed["id"]),
        "--reason",
        "仍在使用",
        "--as",
        "compliance",
    )
    assert rejected["state"] == "rejected" and rejected["rejected_by"] == "compliance"
    assert DestructionRequest.objects.get().rejection_reason == "仍在使用"
    assert main(["destruction", "show", "999"]) == 1
