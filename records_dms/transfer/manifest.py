"""The 移交清单 (transfer list): every package of a transfer, its digest and the totals.

Written as signed XML (what the receiving archive checks) and as a PDF for the people who
sign the handover. Its SHA-256 is the transfer's digest in the transfer register.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from records_dms.transfer.eep import FORMAT_DESCRIPTION
from records_dms.transfer.xmlsig import (
    PackageError,
    need,
    need_text,
    sign_and_serialise,
    sub,
)

ROOT = "移交清单"
MANIFEST_XML = "移交清单.xml"
MANIFEST_PDF = "移交清单.pdf"
PACKAGES_DIR = "packages"


@dataclass(frozen=True)
class PackageLine:
    file: str  # relative to the transfer folder, e.g. packages/KH-0101-HT-2024-0001.xml
    reference: str
    title: str
    records: int
    pages: int
    bytes: int  # of the originals inside
    package_bytes: int
    sha256: str


@dataclass
class Manifest:
    number: str
    created: str
    unit: str
    scope: str
    lines: list[PackageLine] = field(default_factory=list)

    @property
    def records(self) -> int:
        return sum(line.records for line in self.lines)

    @property
    def pages(self) -> int:
        return sum(line.pages for line in self.lines)

    @property
    def bytes(self) -> int:
        return sum(line.bytes for line in self.lines)

    @property
    def package_bytes(self) -> int:
        return sum(line.package_bytes for line in self.lines)


TOTALS = ("封装包数", "文件数", "页数", "原文字节数", "封装包字节数")


def _totals(manifest: Manifest) -> tuple[int, ...]:
    return (
        len(manifest.lines),
        manifest.records,
        manifest.pages,
        manifest.bytes,
        manifest.package_bytes,
    )


def manifest_build(manifest: Manifest) -> bytes:
    root = ET.Element(ROOT)
    sub(root, "封装包格式描述", FORMAT_DESCRIPTION)
    signed = sub(root, "被签名对象")
    sub(signed, "移交编号", manifest.number)
    sub(signed, "移交时间", manifest.created)
    sub(signed, "移交单位", manifest.unit)
    sub(signed, "移交范围", manifest.scope)
    packages = sub(signed, "封装包清单")
    for line in manifest.lines:
        entry = sub(packages, "封装包", 文件名=line.file)
        sub(entry, "档号", line.reference)
        sub(entry, "题名", line.title)
        sub(entry, "件内文件数", str(line.records))
        sub(entry, "页数", str(line.pages))
        sub(entry, "原文字节数", str(line.bytes))
        sub(entry, "封装包字节数", str(line.package_bytes))
        sub(entry, "哈希值", line.sha256, 算法="SHA-256")
    totals = sub(signed, "合计")
    for tag, value in zip(TOTALS, _totals(manifest), strict=True):
        sub(totals, tag, str(value))
    return sign_and_serialise(root, signed, signer=manifest.unit, when=manifest.created)


def _number(element: ET.Element, path: str) -> int:
    text = need_text(element, path)
    if not text.isdigit():
        raise PackageError(f"{path}: not a whole number: {text!r}")
    return int(text)


def _safe_file(name: str) -> str:
    """A package file named by the list must lie in packages/ (no path tricks)."""
    path = Path(name)
    if path.parent != Path(PACKAGES_DIR) or path.name in ("", ".", "..") or path.is_absolute():
        raise PackageError(f"package file name {name!r} is not under {PACKAGES_DIR}/")
    return path.as_posix()


def manifest_read(root: ET.Element) -> Manifest:
    """The list of a parsed (signature-checked) 移交清单, its totals checked against its lines."""
    signed = need(root, "被签名对象")
    manifest = Manifest(
        number=need_text(signed, "移交编号"),
        created=need_text(signed, "移交时间"),
        unit=need_text(signed, "移交单位"),
        scope=need_text(signed, "移交范围"),
    )
    for entry in need(signed, "封装包清单").findall("封装包"):
        manifest.lines.append(
            PackageLine(
                file=_safe_file(entry.get("文件名", "")),
                reference=need_text(entry, "档号"),
                title=need_text(entry, "题名"),
                records=_number(entry, "件内文件数"),
                pages=_number(entry, "页数"),
                bytes=_number(entry, "原文字节数"),
                package_bytes=_number(entry, "封装包字节数"),
                sha256=need_text(entry, "哈希值").lower(),
            )
        )
    stated = tuple(_number(signed, f"合计/{tag}") for tag in TOTALS)
    if stated != _totals(manifest):
        raise PackageError(f"合计 {stated} does not add up to its lines {_totals(manifest)}")
    return manifest


def manifest_pdf(manifest: Manifest) -> bytes:
    """The human-readable 移交清单: one line per package, the totals, room to sign."""
    from records_dms.reports.exports import Sheet, render_pdf

    rows: list[tuple[object, ...]] = [
        (n, line.reference, line.title, line.records, line.pages, line.bytes, line.sha256)
        for n, line in enumerate(manifest.lines, start=1)
    ]
    rows.append(("", "合计", "", manifest.records, manifest.pages, manifest.bytes, ""))
    sheet = Sheet(
        title=f"{manifest.number}  {manifest.scope}",
        headers=("序号", "档号", "题名", "文件数", "页数", "字节数", "SHA-256"),
        rows=rows,
        widths=(4, 16, 26, 5, 5, 8, 36),
    )
    created = datetime.datetime.fromisoformat(manifest.created)
    subtitle = (
        f"移交单位：{manifest.unit}　移交时间：{created:%Y-%m-%d %H:%M}　"
        f"封装包 {len(manifest.lines)} 个　移交人（签字）：＿＿＿＿　接收人（签字）：＿＿＿＿"
    )
    return render_pdf("移交清单", [sheet], subtitle=subtitle)
