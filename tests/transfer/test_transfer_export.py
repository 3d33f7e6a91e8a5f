"""`dms transfer export`: one signed EEP per 件, the 移交清单, the register and the audit."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree as SafeET
from django.core.exceptions import PermissionDenied

from records_dms.accounts import roles
from records_dms.audit.models import AuditEvent
from records_dms.cli.main import main
from records_dms.transfer.models import TransferEntry
from records_dms.transfer.services import Scope, transfer_export


@pytest.mark.django_db
def test_export_writes_a_signed_package_per_item_with_the_list(tmp_path, clerk, dossier, capsys):
    out = tmp_path / "out"
    assert (
        main(["transfer", "export", "--customer", "kh-0101", str(out), "--as", "clerk", "--json"])
        == 0
    )
    printed = json.loads(capsys.readouterr().out)
    email = dossier[2]
    child = email.children.get()
    packages = sorted(p.name for p in (out / "packages").iterdir())
    assert packages == sorted(f"{r.reference}.xml" for r in dossier)  # the attachment inside
    assert printed["packages"] == 3 and printed["records"] == 4
    assert printed["bytes"] == sum(r.size for r in dossier) + child.size
    assert printed["digest"] == hashlib.sha256((out / "移交清单.xml").read_bytes()).hexdigest()
    assert (out / "移交清单.pdf").read_bytes().startswith(b"%PDF")

    root = SafeET.parse(str(out / "packages" / f"{email.reference}.xml")).getroot()
    assert root.tag == "电子文件封装包" and root.findtext("版本") == "2009"
    entity = root.find("被签名对象/封装内容/文件实体块/文件实体")
    assert entity.findtext("档号") == email.reference
    assert entity.findtext("聚合层次") == "件"
    assert entity.findtext("内容描述/日期") == "20240506"
    assert entity.findtext("内容描述/密级") == "内部"
    assert "wang@example.cn" in entity.findtext("内容描述/责任者")
    encoding = entity.find("文件数据/文档/文档数据/编码")
    assert encoding.findtext("哈希值") == email.sha256
    attachment = entity.find("文件实体")
    assert attachment.findtext("档号") == child.reference
    assert attachment.findtext("关系/关系对象") == email.reference
    assert "维修响应不及时" in attachment.findtext("页文本/页").replace("\n", "")
    assert root.findtext("电子签名块/电子签名/签名算法标识") == "Ed25519"

    entry = TransferEntry.objects.get()
    assert (entry.direction, entry.actor, entry.records) == ("export", clerk, 4)
    assert AuditEvent.objects.filter(action="transfer.exported", actor=clerk).count() == 1
    assert AuditEvent.objects.filter(action="record.exported").count() == 4


@pytest.mark.django_db
def test_export_needs_the_permission_and_says_so(tmp_path, users, pdf_only, capsys):
    auditor = users[roles.AUDITOR]
    with pytest.raises(PermissionDenied):
        transfer_export(actor=auditor, target=tmp_path / "a", scope=Scope(year=2024))
    assert (
        main(["transfer", "export", "--year", "2024", str(tmp_path / "b"), "--as", "auditor"]) == 1
    )
    assert "may not" in capsys.readouterr().err
    assert not TransferEntry.objects.exists()
    entry = transfer_export(
        actor=users[roles.COMPLIANCE], target=tmp_path / "c", scope=Scope(year=2024)
    )
    assert entry.records == 1 and entry.actor_name == "compliance"


@pytest.mark.django_db
def test_export_refuses_a_folder_in_use_and_an_empty_scope(tmp_path: Path, clerk: Any, pdf_only):
    from django.core.exceptions import ValidationError

    used = tmp_path / "used"
    used.mkdir()
    (used / "x.txt").write_text("x")
    with pytest.raises(ValidationError, match="not an empty folder"):
        transfer_export(actor=clerk, target=used, scope=Scope(customer_code="KH-0101"))
    with pytest.raises(ValidationError, match="Nothing to transfer"):
        transfer_export(actor=clerk, target=tmp_path / "n", scope=Scope(year=1999))
    with pytest.raises(ValidationError, match="No customer"):
        transfer_export(actor=clerk, target=tmp_path / "m", scope=Scope(customer_code="KH-9"))


def test_retention_is_written_as_the_standard_names_it() -> None:
    from types import SimpleNamespace as NS

    from records_dms.transfer.services import retention_label

    def schedule(**fields: Any) -> Any:
        values = {"disposition": "review", "period_years": 3, "period_months": 0}
        return NS(**{**values, "period_days": 0, **fields})

    def record(state: Any) -> Any:
        return NS(retention=state)

    assert retention_label(NS()) == "未定"
    assert retention_label(record(NS(keep_permanently=False, schedule=None))) == "未定"
    assert retention_label(record(NS(keep_permanently=True, schedule=schedule()))) == "永久"
    plain = NS(keep_permanently=False, schedule=schedule())
    assert retention_label(record(plain)) == "定期3年"
    kept = NS(keep_permanently=False, schedule=schedule(disposition="keep_permanently"))
    assert retention_label(record(kept)) == "永久"
    odd = NS(keep_permanently=False, schedule=schedule(period_months=6))
    assert retention_label(record(odd)) == "定期3年6月0日"
