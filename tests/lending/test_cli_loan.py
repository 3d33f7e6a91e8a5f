"""`dms loan request|approve|checkout|return` as scripts use them, and the register export."""

from __future__ import annotations

import json
from typing import Any

import pdfplumber
import pytest

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.cli.main import main
from records_dms.lending.models import Loan
from tests.factories import make_record
from tests.lending.helpers import signature_png


@pytest.fixture
def record(users, customer, clerk, django_capture_on_commit_callbacks):
    grant_create(user=users[roles.STAFF], customer=customer, actor=clerk)
    with django_capture_on_commit_callbacks(execute=True):  # indexed, so dms verify is clean
        return make_record(customer, type="complaint", title="投诉登记表")


def run_json(capsys, *argv: str) -> tuple[int, Any]:
    code = main([*argv, "--json"])
    out = capsys.readouterr().out
    return code, (json.loads(out) if out.strip() else None)


@pytest.mark.django_db
def test_the_whole_loan_from_the_command_line(capsys, tmp_path, record):
    png = tmp_path / "sign.png"
    png.write_bytes(signature_png())
    code, loan = run_json(
        capsys, "loan", "request", record.reference, "--purpose", "内审", "--as", "staff"
    )
    assert code == 0 and loan["state"] == "requested" and loan["entry"]["event"] == "requested"
    loan_id = str(loan["id"])
    assert main(["loan", "checkout", loan_id, "--signature", str(png), "--as", "clerk"]) == 1
    assert "not approved" in capsys.readouterr().err
    code, loan = run_json(capsys, "loan", "approve", loan_id, "--as", "clerk")
    assert code == 0 and loan["state"] == "approved"
    code, loan = run_json(
        capsys, "loan", "checkout", loan_id, "--signature", str(png), "--as", "clerk"
    )
    assert code == 0 and loan["state"] == "checked_out"
    assert loan["entry"]["signatures"][0]["signer"] == "staff"
    assert len(loan["entry"]["signature"]) == 128  # Ed25519, hex
    code, loan = run_json(
        capsys,
        "loan",
        "return",
        loan["number"],
        "--signature",
        str(png),
        "--condition",
        f"{record.reference}=damaged",
        "--note",
        "边角破损",
        "--as",
        "clerk",
    )
    assert code == 0 and loan["state"] == "returned"
    assert loan["items"][0]["condition"] == "damaged"
    assert main(["verify"]) == 0
    capsys.readouterr()

    pdf = tmp_path / "register.pdf"
    code, written = run_json(capsys, "loan", "register", str(pdf), "--as", "auditor")
    assert code == 0 and written["entries"] == 4
    with pdfplumber.open(pdf) as document:
        text = "".join(page.extract_text() or "" for page in document.pages)
        images = sum(len(page.images) for page in document.pages)
    assert record.reference in text and "边角破损" in text
    assert images == 2  # the borrower's and the receiver's signature
    csv_file = tmp_path / "register.csv"
    assert main(["loan", "register", str(csv_file), "--as", "auditor"]) == 0
    lines = csv_file.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 5 and "borrower:staff:" in lines[3]


@pytest.mark.django_db
def test_refusals_exit_1_and_bad_usage_exits_2(capsys, tmp_path, record):
    assert main(["loan", "request", record.reference, "--purpose", "x"]) == 1
    assert "--as" in capsys.readouterr().err
    assert main(["loan", "request", "KH-0101-XX-2024-9999", "--purpose", "x", "--as", "staff"]) == 1
    assert main(["loan", "request", record.reference, "--purpose", "x", "--as", "admin"]) == 1
    assert main(["loan", "approve", "999", "--as", "clerk"]) == 1
    assert main(["loan", "register", str(tmp_path / "r.csv"), "--as", "staff"]) == 1
    assert not Loan.objects.exists()
    with pytest.raises(SystemExit) as exit_info:
        main(["loan", "request", record.reference, "--kind", "microfilm"])
    assert exit_info.value.code == 2
