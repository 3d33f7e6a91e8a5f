"""One package built and read back, without the database: text XML cannot carry as it is,
and a signed package whose original does not match its declared SHA-256."""

from __future__ import annotations

import datetime
import hashlib
from pathlib import Path

import pytest

from records_dms.common.signing import trusted_keys
from records_dms.transfer.eep import CustomerInfo, Item, PageText, package_build, package_item
from records_dms.transfer.xmlsig import PackageError, parse, signature_check

PAGES = [PageText(1, "第一行\r\n第二行\t结束  ", "ocr", 87.5), PageText(2, "控\x01制", "ocr", None)]


def _item(data: bytes, **fields: object) -> Item:
    values: dict[str, object] = {
        "reference": "KH-0101-HT-2024-0001",
        "type": "contract",
        "type_name": "合同",
        "title": "供货合同",
        "document_date": datetime.date(2024, 2, 29),
        "received_date": datetime.date(2024, 3, 1),
        "channel": "upload",
        "confidentiality": "secret",
        "language": "zh-hans",
        "physical_location": "库房1-柜2",
        "creator": "华东精密",
        "retention": "定期10年",
        "customer": CustomerInfo("KH-0101", "华东精密机械有限公司", "enterprise"),
        "original_name": "合同.pdf",
        "mime_type": "application/pdf",
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
        "page_count": 2,
        "pages": PAGES,
        "data": data,
    }
    values.update(fields)
    return Item(**values)  # type: ignore[arg-type]


def _read(tmp_path: Path, item: Item) -> Item:
    path = tmp_path / "package.xml"
    path.write_bytes(
        package_build(item, unit="甲单位", number="YJ-1", when=datetime.datetime(2026, 12, 5))
    )
    root = parse(path, "电子文件封装包")
    signature_check(root, trusted_keys())
    spooled = tmp_path / "original"

    def keep(content: bytes) -> Path:
        spooled.write_bytes(content)
        return spooled

    return package_item(root, keep)


def test_text_xml_cannot_carry_comes_back_byte_for_byte(tmp_path):
    read = _read(tmp_path, _item(b"%PDF-1.7 original"))
    assert read.pages == PAGES
    assert (read.title, read.physical_location) == ("供货合同", "库房1-柜2")
    assert read.document_date == datetime.date(2024, 2, 29)
    assert read.data_path is not None and read.data_path.read_bytes() == b"%PDF-1.7 original"


def test_a_signed_package_whose_original_is_not_its_declared_sha256_is_refused(tmp_path):
    with pytest.raises(PackageError, match="does not match its SHA-256"):
        _read(tmp_path, _item(b"real bytes", sha256="0" * 64))
    with pytest.raises(PackageError, match="not 99"):
        _read(tmp_path, _item(b"real bytes", size=99))
