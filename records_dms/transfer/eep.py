"""One EEP package (电子文件封装包, DA/T 48-2009) per 件: a record, its attachments inside it.

Each record is a 文件实体 with the DA/T 46/18 description (档号, 题名, 日期, 责任者, 保管期限,
密级, 页数, 文件格式), its original base64-encoded with its SHA-256, and two blocks of our own
that the standard has no place for: 页文本 (the page text, so the receiver need not OCR again)
and 系统属性 (the fields records-dms needs to recreate the record exactly). An email's
attachments are 文件实体 nested in the email's, with 聚合层次 文件 and a 关系 naming it.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from records_dms.transfer.xmlsig import (
    PackageError,
    need,
    need_text,
    sign_and_serialise,
    sub,
    text_of,
)

FORMAT_DESCRIPTION = (
    "本EEP根据中华人民共和国档案行业标准DA/T 48-2009《基于XML的电子文件封装规范》生成"
)
EEP_VERSION = "2009"
ROOT = "电子文件封装包"
CONFIDENTIALITY_NAMES = {"internal": "内部", "confidential": "秘密", "secret": "机密"}


@dataclass(frozen=True)
class PageText:
    number: int
    text: str
    source: str
    confidence: float | None


@dataclass(frozen=True)
class CustomerInfo:
    code: str
    name: str
    kind: str = ""
    industry: str = ""
    region: str = ""
    grade: str = ""
    contacts: str = ""


@dataclass
class Item:
    """One record as a package carries it (``data``: the original's bytes when exporting;
    ``data_path``: where receiving spooled them)."""

    reference: str
    type: str
    type_name: str
    title: str
    document_date: datetime.date
    received_date: datetime.date
    channel: str
    confidentiality: str
    language: str
    physical_location: str
    creator: str
    retention: str
    customer: CustomerInfo
    original_name: str = ""
    mime_type: str = ""
    size: int = 0
    sha256: str = ""
    page_count: int = 0
    email_headers: dict[str, object] = field(default_factory=dict)
    pages: list[PageText] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)
    data: bytes | None = None
    data_path: Path | None = None

    def count(self) -> int:
        return 1 + sum(child.count() for child in self.children)

    def page_total(self) -> int:
        return self.page_count + sum(child.page_total() for child in self.children)

    def byte_total(self) -> int:
        return self.size + sum(child.byte_total() for child in self.children)

    def every(self) -> list[Item]:
        """This record, then its attachments (parents before children)."""
        return [self, *(grand for child in self.children for grand in child.every())]


# Writing --------------------------------------------------------------------------------------


def _description(entity: ET.Element, item: Item) -> None:
    sub(entity, "档号", item.reference)
    sub(entity, "年度", str(item.document_date.year))
    content = sub(entity, "内容描述")
    sub(content, "题名", item.title)
    sub(content, "责任者", item.creator)
    sub(content, "日期", item.document_date.strftime("%Y%m%d"))
    sub(content, "文种", item.type_name)
    sub(content, "密级", CONFIDENTIALITY_NAMES.get(item.confidentiality, item.confidentiality))
    sub(content, "保管期限", item.retention)
    form = sub(entity, "形式特征")
    sub(form, "页数", str(item.page_count))
    sub(form, "语种", item.language)
    if item.physical_location:
        sub(sub(entity, "存储位置"), "脱机载体存址", item.physical_location)
    customer = sub(entity, "客户")
    for tag, value in _customer_fields(item.customer):
        sub(customer, tag, value)
    system = sub(entity, "系统属性")
    sub(system, "记录类型", item.type)
    sub(system, "收文日期", item.received_date.isoformat())
    sub(system, "渠道", item.channel)
    sub(system, "密级代码", item.confidentiality)
    sub(system, "邮件头", json.dumps(item.email_headers, ensure_ascii=False, sort_keys=True))


# In CustomerInfo's field order.
CUSTOMER_TAGS = ("客户编号", "名称", "类型", "行业", "地区", "等级", "联系方式")


def _customer_fields(customer: CustomerInfo) -> list[tuple[str, str]]:
    return list(zip(CUSTOMER_TAGS, dataclasses.astuple(customer), strict=True))


def _file_data(entity: ET.Element, item: Item) -> None:
    if item.data is None:
        return
    document = sub(sub(entity, "文件数据"), "文档")
    sub(document, "文档标识符", f"{item.reference}-1")
    sub(document, "文档序号", "正文")
    encoding = sub(sub(document, "文档数据"), "编码")
    sub(encoding, "编码标识符", f"{item.reference}-1-1")
    properties = sub(encoding, "电子属性")
    sub(properties, "格式信息", item.mime_type)
    sub(properties, "计算机文件名", item.original_name)
    sub(properties, "计算机文件大小", str(item.size))
    sub(encoding, "编码描述", "原始文件的Base64编码 (RFC 4648)")
    sub(encoding, "反编码关键字", "base64")
    sub(encoding, "哈希值", item.sha256, 算法="SHA-256")
    sub(encoding, "编码数据", base64.b64encode(item.data).decode("ascii"))


def _entity(parent: ET.Element, item: Item, *, level: str, of: str = "") -> None:
    entity = sub(parent, "文件实体")
    sub(entity, "聚合层次", level)
    if of:
        relation = sub(entity, "关系")
        sub(relation, "关系类型", "附件")
        sub(relation, "关系对象", of)
    _description(entity, item)
    _file_data(entity, item)
    pages = sub(entity, "页文本")
    for page in item.pages:
        attrib = {"序号": str(page.number), "来源": page.source}
        if page.confidence is not None:
            attrib["置信度"] = repr(page.confidence)
        sub(pages, "页", page.text, **attrib)
    for child in item.children:
        _entity(entity, child, level="文件", of=item.reference)


def package_build(item: Item, *, unit: str, number: str, when: datetime.datetime) -> bytes:
    """The signed EEP of one 件 (a record and its attachments)."""
    stamp = when.isoformat(timespec="seconds")
    root = ET.Element(ROOT)
    sub(root, "封装包格式描述", FORMAT_DESCRIPTION)
    sub(root, "版本", EEP_VERSION)
    signed = sub(root, "被签名对象", eep版本=EEP_VERSION)
    sub(signed, "封装包类型", "原始型")
    sub(signed, "封装包类型描述", "本封装包包含电子文件数据及其元数据，系原始封装，未经修改")
    sub(signed, "封装包创建时间", stamp)
    sub(signed, "封装包创建单位", unit)
    content = sub(signed, "封装内容")
    _entity(sub(content, "文件实体块"), item, level="件")
    business = sub(sub(content, "业务实体块"), "业务实体")
    sub(business, "业务标识符", number)
    sub(business, "文件标识符", item.reference)
    sub(business, "业务状态", "移交")
    sub(business, "业务行为", "移交")
    sub(business, "行为时间", stamp)
    sub(business, "行为依据", number)
    people = sub(sub(content, "机构人员实体块"), "机构人员实体")
    sub(people, "机构人员类型", "单位")
    sub(people, "机构人员名称", unit)
    return sign_and_serialise(root, signed, signer=unit, when=stamp)


# Reading --------------------------------------------------------------------------------------

Spool = Callable[[bytes], Path]


def _date(text: str, what: str) -> datetime.date:
    try:
        if len(text) == 8 and text.isdigit():
            return datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise PackageError(f"{what}: not a date: {text!r}") from error


def _int(text: str, what: str) -> int:
    if not text.isdigit():
        raise PackageError(f"{what}: not a whole number: {text!r}")
    return int(text)


def _optional_text(entity: ET.Element, path: str) -> str:
    found = entity.find(path)
    return text_of(found) if found is not None else ""


def _pages(entity: ET.Element, reference: str) -> list[PageText]:
    pages = []
    for number, page in enumerate(need(entity, "页文本").findall("页"), start=1):
        if page.get("序号") != str(number):
            raise PackageError(f"{reference}: page {number} is missing or out of order")
        confidence = page.get("置信度")
        try:
            value = float(confidence) if confidence is not None else None
        except ValueError as error:
            raise PackageError(f"{reference}: page {number} has a bad 置信度") from error
        pages.append(PageText(number, text_of(page), page.get("来源", ""), value))
    return pages


def _original(entity: ET.Element, item: Item, spool: Spool) -> None:
    encoding = entity.find("文件数据/文档/文档数据/编码")
    if encoding is None:
        return
    declared = need_text(encoding, "哈希值").lower()
    try:
        data = base64.b64decode(need_text(encoding, "编码数据"), validate=True)
    except ValueError as error:
        raise PackageError(f"{item.reference}: the original is not valid base64") from error
    if hashlib.sha256(data).hexdigest() != declared:
        raise PackageError(f"{item.reference}: the original does not match its SHA-256")
    size = _int(need_text(encoding, "电子属性/计算机文件大小"), "计算机文件大小")
    if len(data) != size:
        raise PackageError(f"{item.reference}: the original has {len(data)} bytes, not {size}")
    item.sha256, item.size = declared, size
    item.mime_type = need_text(encoding, "电子属性/格式信息")
    item.original_name = need_text(encoding, "电子属性/计算机文件名")
    item.data_path = spool(data)


def entity_read(entity: ET.Element, spool: Spool) -> Item:
    """One 文件实体 (with its attachments) checked and turned back into an Item."""
    reference = need_text(entity, "档号")
    system = need(entity, "系统属性")
    customer = need(entity, "客户")
    try:
        headers = json.loads(need_text(system, "邮件头"))
    except ValueError as error:
        raise PackageError(f"{reference}: 邮件头 is not JSON") from error
    item = Item(
        reference=reference,
        type=need_text(system, "记录类型"),
        type_name=need_text(entity, "内容描述/文种"),
        title=need_text(entity, "内容描述/题名"),
        document_date=_date(need_text(entity, "内容描述/日期"), f"{reference}: 日期"),
        received_date=_date(need_text(system, "收文日期"), f"{reference}: 收文日期"),
        channel=need_text(system, "渠道"),
        confidentiality=need_text(system, "密级代码"),
        language=need_text(entity, "形式特征/语种"),
        physical_location=_optional_text(entity, "存储位置/脱机载体存址"),
        creator=need_text(entity, "内容描述/责任者"),
        retention=need_text(entity, "内容描述/保管期限"),
        customer=CustomerInfo(*(text_of(need(customer, tag)) for tag in CUSTOMER_TAGS)),
        page_count=_int(need_text(entity, "形式特征/页数"), f"{reference}: 页数"),
        email_headers=headers if isinstance(headers, dict) else {},
    )
    item.pages = _pages(entity, reference)
    if len(item.pages) != item.page_count:
        raise PackageError(
            f"{reference}: 页数 says {item.page_count} pages, 页文本 holds {len(item.pages)}"
        )
    _original(entity, item, spool)
    item.children = [entity_read(child, spool) for child in entity.findall("文件实体")]
    return item


def package_item(root: ET.Element, spool: Spool) -> Item:
    """The 件 of a parsed (and already signature-checked) package."""
    if need_text(root, "版本") != EEP_VERSION:
        raise PackageError(f"EEP version {need_text(root, '版本')!r} is not {EEP_VERSION}")
    entities = need(root, "被签名对象/封装内容/文件实体块").findall("文件实体")
    if len(entities) != 1:
        raise PackageError(f"a package holds one 件, this one {len(entities)}")
    return entity_read(entities[0], spool)
