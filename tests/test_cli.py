"""The `dms` command as scripts use it: exit codes and --json output."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from records_dms.archive.models import Customer
from records_dms.archive.selectors import visible_customers
from records_dms.audit.models import AuditEvent
from records_dms.cli.main import main

DMS = [sys.executable, "-m", "records_dms"]


@pytest.mark.django_db
def test_customer_add_prints_the_customer_as_json(capsys):
    assert (
        main(["customer", "add", "KH-0300", "北方物流有限公司", "--kind", "partner", "--json"]) == 0
    )
    printed = json.loads(capsys.readouterr().out)
    assert printed["code"] == "KH-0300" and printed["kind"] == "partner"
    assert Customer.objects.get(code="KH-0300").name == "北方物流有限公司"
    assert AuditEvent.objects.get(action="customer.created").actor_name.startswith("cli:")


@pytest.mark.django_db
def test_duplicate_customer_exits_1_with_a_reason(capsys):
    main(["customer", "add", "KH-0300", "一"])
    assert main(["customer", "add", "KH-0300", "二"]) == 1
    assert "already exists" in capsys.readouterr().err


@pytest.mark.django_db
def test_as_names_the_acting_user(capsys, clerk):
    assert main(["customer", "add", "KH-0301", "甲", "--as", "clerk"]) == 0
    assert AuditEvent.objects.get(action="customer.created").actor == clerk
    assert main(["customer", "add", "KH-0302", "乙", "--as", "nobody"]) == 1


@pytest.mark.django_db
def test_grant_add_opens_a_dossier_to_staff(capsys, users, customer):
    from records_dms.accounts import roles
    from records_dms.accounts.policy import policy

    staff = users[roles.STAFF]
    assert main(["grant", "add", "staff", "kh-0101", "--as", "auditor"]) == 1
    assert "may not grant" in capsys.readouterr().err
    assert not visible_customers(user=staff).exists()
    assert main(["grant", "add", "staff", "KH-0101", "--as", "clerk", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["customer"] == "KH-0101"
    policy.forget(staff)
    assert list(visible_customers(user=staff)) == [customer]
    assert AuditEvent.objects.get(action="grant.created").actor_name == "clerk"


def test_bad_usage_exits_2():
    with pytest.raises(SystemExit) as exit_info:
        main(["customer", "add", "KH-0303", "丙", "--kind", "alien"])
    assert exit_info.value.code == 2


def test_demo_then_verify_on_a_fresh_data_dir(tmp_path: Path):
    """The 'done when' of the foundation: `dms demo` on a new data dir, then `dms verify` is 0."""
    env = {**os.environ, "DMS_DATA_DIR": str(tmp_path), "DMS_DEMO_PASSWORD": "demo-pass-123"}
    env.pop("DMS_DATABASE_URL", None)

    def dms(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*DMS, *args], env=env, capture_output=True, text=True, timeout=300, check=False
        )

    # No `dms manage migrate` first: a fresh data dir is prepared by the first command.
    demo = dms("demo", "--json")
    assert demo.returncode == 0, demo.stderr
    loaded = json.loads(demo.stdout)
    assert loaded["created"] and len(loaded["customers"]) == 3
    assert {login["username"] for login in loaded["logins"]} == {
        "clerk",
        "auditor",
        "compliance",
        "staff",
        "admin",
    }
    assert json.loads(dms("demo", "--json").stdout)["created"] is False
    assert dms("worker", "--batch").returncode == 0
    verify = dms("verify", "--json")
    assert verify.returncode == 0, verify.stdout
    report = json.loads(verify.stdout)
    assert report["counts"]["originals"] == loaded["records"]
    # One flipped byte in a stored original is found by the fixity check.
    original = next((tmp_path / "media" / "originals").rglob("*"), None)
    while original is not None and original.is_dir():
        original = next(original.iterdir())
    assert original is not None
    data = bytearray(original.read_bytes())
    data[len(data) // 2] ^= 0x01
    original.write_bytes(bytes(data))
    broken = dms("verify")
    assert broken.returncode == 1
    assert "does not match its SHA-256" in broken.stdout


@pytest.mark.django_db
def test_import_files_a_folder_recursively_with_email_children(capsys, tmp_path, customer):
    from tests.factories import make_pdf
    from tests.ingestion.samples import gbk_email_with_pdf

    (tmp_path / "sub").mkdir()
    (tmp_path / "a.pdf").write_bytes(make_pdf(["合同一"]))
    (tmp_path / "sub" / "reply.eml").write_bytes(gbk_email_with_pdf())
    code = main(
        [
            "import",
            str(tmp_path),
            "--customer",
            "KH-0101",
            "--type",
            "complaint",
            "--date",
            "2024-05-06",
            "--wait",
            "--json",
        ]
    )
    assert code == 0
    rows = json.loads(capsys.readouterr().out)
    assert [Path(r["file"]).name for r in rows] == ["a.pdf", "reply.eml"]
    assert rows[0] == {
        "file": str(tmp_path / "a.pdf"),
        "status": "filed",
        "reference": "KH-0101-TS-2024-0001",
        "pages": 1,
        "children": [],
        "error": None,
    }
    assert rows[1]["reference"].startswith("KH-0101-YJ-2024-")
    assert rows[1]["children"] == ["KH-0101-TS-2024-0002"]


@pytest.mark.django_db
def test_import_without_wait_queues_and_bad_date_is_usage_error(capsys, tmp_path, customer):
    from tests.factories import make_pdf

    (tmp_path / "a.pdf").write_bytes(make_pdf())
    assert main(["import", str(tmp_path / "a.pdf"), "--customer", "KH-0101", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["status"] == "queued"
    with pytest.raises(SystemExit) as exit_info:
        main(["import", "x.pdf", "--customer", "KH-0101", "--date", "2024-13-01"])
    assert exit_info.value.code == 2


def test_customer_add_and_show_work_on_a_fresh_data_dir(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DMS_")}
    env["DMS_DATA_DIR"] = str(tmp_path / "new")

    def dms(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*DMS, *args], env=env, capture_output=True, text=True, timeout=300, check=False
        )

    added = dms("customer", "add", "KH-0900", "新客户", "--json")
    assert added.returncode == 0, added.stderr
    assert json.loads(added.stdout)["code"] == "KH-0900"
    missing = dms("show", "KH-0900-HT-2024-0001")
    assert missing.returncode == 1 and "no record" in missing.stderr


@pytest.mark.django_db
def test_show_prints_the_record_its_state_and_pages_as_the_contract_says(capsys, customer, users):
    from records_dms.accounts import roles
    from tests.factories import file_pdf

    record = file_pdf(customer, lines=["来电客户反映交货延迟", "处理结果：已补发"])
    assert main(["show", record.reference.lower(), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["reference"] == record.reference
    assert shown["state"] == "filed" and shown["parent"] is None and "due_date" in shown
    assert [p["number"] for p in shown["pages"]] == [1]
    page = shown["pages"][0]
    assert "来电客户反映交货延迟" in page["text"].replace("\n", "")
    assert page["source"] == "text_layer" and "confidence" in page
    read = AuditEvent.objects.filter(action="record.viewed", object_id=str(record.pk))
    assert read.count() == 1

    # As staff without a grant the record is out of reach, and said so like an unknown one.
    assert main(["show", record.reference, "--as", users[roles.STAFF].username]) == 1
    assert f"no record {record.reference!r}" in capsys.readouterr().err
    assert main(["show", record.reference, "--as", users[roles.AUDITOR].username]) == 0
    assert record.title in capsys.readouterr().out
