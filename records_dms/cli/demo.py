"""`dms demo`: demo customers, records rendered to PDF, complaints and one user per role.

The texts are passages of the customer-archive policies in shared/seeds (Chinese). Loading is
idempotent: a second run changes nothing and reports the same logins.
"""

from __future__ import annotations

import datetime
import io
import json
import os
import secrets
from dataclasses import dataclass, field
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from typing import Any, TextIO

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from ingestion.services import record_file
from records_dms.accounts import roles
from records_dms.accounts.roles import Confidentiality
from records_dms.accounts.services import clearance_set, grant_create
from records_dms.archive.models import (
    Channel,
    ComplaintChannel,
    Customer,
    RecordType,
    Severity,
)
from records_dms.archive.services import (
    complaint_open,
    complaint_update,
    customer_create,
    volume_create,
)
from records_dms.common.pdfrender import render_scan_png, render_text_pdf

DEMO_USERS = [
    # username, role, clearance
    ("clerk", roles.CLERK, Confidentiality.SECRET),
    ("auditor", roles.AUDITOR, Confidentiality.SECRET),
    ("compliance", roles.COMPLIANCE, Confidentiality.SECRET),
    ("staff", roles.STAFF, Confidentiality.INTERNAL),
    ("admin", roles.ADMINISTRATOR, Confidentiality.INTERNAL),
]

CUSTOMERS = [
    # code, name, kind, industry, region
    ("KH-0101", "华东精密机械有限公司", "enterprise", "制造业", "华东"),
    ("KH-0102", "步履鞋品连锁有限公司", "enterprise", "零售业", "华南"),
    ("KH-0103", "康宁健康管理中心", "partner", "医疗健康", "华北"),
]

POLICY = [
    "客户档案资料的管理主要是收集、整理、归档、保管及使用四个环节。",
    "将客户资料分户进行保管,并由专人负责。如遇特殊情况需翻阅客户资料,须经物业经理批准后方可查阅。",
    "客户档案资料公司的重要保密资料,未经公司总经理授权,任何人不得查阅及外传。",
]
CONTRACT = [
    "甲方与乙方就客户档案管理服务签订本合同。乙方负责收集、整理、归档及使用四个环节的档案工作。",
    "双方应严守保密制度,不准将客户资料与信息泄露他人。合同有效期三年,期满后双方协商续签。",
]
MINUTES = [
    "会议议题:年度客户关系维护。公司办公室负责客户关系维护管理。",
    "客户关系维护管理的方式包括定期与不定期的客户拜访与沟通、客户产品使用情况的意见与建议调查、"
    "顾客满意度调查等。客户关系维护管理应形成记录,并作为客户档案内容进行保管。",
]
PHONE = [
    "来电记录:客户来电咨询工程报修进度。已接听客户工程报修电话,及时联系修复,并做好相关记录。",
]
SURVEY = [
    "营销总公司每年至少进行一次全面的顾客满意度调查。本年度调查总体满意度 86 分。",
    "当顾客满意度未能达到公司规定要求时,由办公室组织,针对顾客满意度较低方面提出纠正预防措施进行改进。",
]
COMPLAINT = [
    "顾客投诉登记:客户来电投诉维修响应不及时。相关业务部门是客户投诉的接收部门。",
    "顾客投诉处理过程中形成的记录,均为该投诉的档案。",
]
COMPLAINT_HANDLING = [
    "客户对服务过程中的不满意投诉,由相关业务部门负责组织处理,处理结果经公司总经理审批后,"
    "由办公室反馈到客户。顾客投诉处理完毕后,应将顾客投诉档案做好记录保存。一般保存期限为3年。",
]
MAJOR_COMPLAINT = [
    "重大投诉:客户到访投诉产品质量问题,涉及批量退货。重大投诉应单独立卷保存。",
    "由公司转呈的投诉(电话、网上投诉、来访等)与管理处接收的投诉要进行分开记录。",
]


@dataclass
class DemoResult:
    created: bool
    logins: dict[str, str]
    customers: list[str] = field(default_factory=list)
    records: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "customers": self.customers,
            "records": self.records,
            "logins": [{"username": u, "password": p} for u, p in self.logins.items()],
        }

    def summary(self) -> str:
        head = (
            f"demo loaded: {len(self.customers)} customers, {self.records} records"
            if self.created
            else "demo data already loaded"
        )
        return "\n".join([head, *(f"  {user:<11} {pw}" for user, pw in self.logins.items())])


def _logins_path() -> Any:
    return settings.DATA_DIR / "demo-logins.json"


def _passwords() -> dict[str, str]:
    """DMS_DEMO_PASSWORD for every user, else passwords generated once and kept (0600)."""
    shared = settings.DEMO.password
    if shared:
        return {username: shared for username, _role, _level in DEMO_USERS}
    path = _logins_path()
    if path.exists():
        stored: dict[str, str] = json.loads(path.read_text())
        return stored
    generated = {username: secrets.token_urlsafe(12) for username, _r, _l in DEMO_USERS}
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(generated, handle)
    return generated


def demo_logins() -> dict[str, str]:
    return _passwords()


def _users(passwords: dict[str, str]) -> dict[str, Any]:
    user_model = get_user_model()
    users = {}
    for username, role, level in DEMO_USERS:
        user, _created = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.invalid"}
        )
        user.set_password(passwords[username])
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        clearance_set(user=user, level=level, actor=None)
        users[username] = user
    return users


def _file(
    customer: Customer,
    clerk: Any,
    record_type: str,
    title: str,
    day: datetime.date,
    paragraphs: list[str],
    **fields: Any,
) -> None:
    pdf = render_text_pdf(title, [paragraphs, POLICY])
    record_file(
        customer=customer,
        stream=io.BytesIO(pdf),
        filename=f"{title}.pdf",
        type=record_type,
        title=title,
        document_date=day,
        actor=clerk,
        channel=Channel.SCAN,
        **fields,
    )


def _dossier(index: int, customer: Customer, clerk: Any) -> int:
    year = 2024
    general = volume_create(customer=customer, title=f"{year} 年度文件", actor=clerk)
    d = datetime.date
    _file(
        customer,
        clerk,
        RecordType.CONTRACT,
        f"客户档案管理服务合同 {customer.code}",
        d(year, 1, 8 + index),
        CONTRACT,
        volume=general,
        physical_location="一号库房 3柜 2架 1盒",
    )
    _file(
        customer,
        clerk,
        RecordType.MINUTES,
        "年度客户关系维护会议纪要",
        d(year, 3, 15),
        MINUTES,
        volume=general,
    )
    _file(
        customer,
        clerk,
        RecordType.PHONE_RECORD,
        "客户来电记录:工程报修",
        d(year, 4, 2),
        PHONE,
        volume=general,
    )
    _file(
        customer,
        clerk,
        RecordType.SURVEY,
        f"{year} 年度顾客满意度调查",
        d(year, 11, 20),
        SURVEY,
        volume=general,
    )
    _file(
        customer,
        clerk,
        RecordType.CONTRACT_AMENDMENT,
        "合同变更:保密条款补充",
        d(year, 6, 1),
        CONTRACT[1:],
        volume=general,
        confidentiality=Confidentiality.CONFIDENTIAL,
    )
    normal = complaint_open(
        customer=customer,
        channel=ComplaintChannel.FORWARDED_PHONE,
        actor=clerk,
        subject="维修响应不及时",
        opened_on=d(year, 5, 6),
    )
    _file(
        customer,
        clerk,
        RecordType.COMPLAINT,
        "顾客投诉登记:维修响应不及时",
        d(year, 5, 6),
        COMPLAINT,
        complaint=normal,
        volume=general,
    )
    _file(
        customer,
        clerk,
        RecordType.COMPLAINT_HANDLING,
        "投诉处理记录:维修响应不及时",
        d(year, 5, 20),
        COMPLAINT_HANDLING,
        complaint=normal,
        volume=general,
    )
    complaint_update(
        complaint=normal,
        actor=clerk,
        closed_on=d(year, 5, 20),
        outcome="已致歉并完成维修,客户满意。",
    )
    count = 7
    if index == 0:
        count += _scan_and_email(customer, clerk, general)
        major = complaint_open(
            customer=customer,
            channel=ComplaintChannel.DIRECT,
            severity=Severity.MAJOR,
            subject="产品质量问题批量退货",
            opened_on=d(year, 9, 12),
            actor=clerk,
        )
        _file(
            customer,
            clerk,
            RecordType.COMPLAINT,
            "重大投诉登记:产品质量问题",
            d(year, 9, 12),
            MAJOR_COMPLAINT,
            complaint=major,
        )
        _file(
            customer,
            clerk,
            RecordType.COMPLAINT_HANDLING,
            "重大投诉处理报告",
            d(year, 10, 8),
            COMPLAINT_HANDLING,
            complaint=major,
            confidentiality=Confidentiality.SECRET,
        )
        count += 2
    return count


def _scan_and_email(customer: Customer, clerk: Any, volume: Any) -> int:
    """A scanned phone record (OCR'd) and a GB2312 email with a PDF attachment."""
    scan = render_scan_png(["电话记录:客户来电投诉维修响应不及时。", *PHONE])
    record_file(
        customer=customer,
        stream=io.BytesIO(scan),
        filename="电话记录扫描件.png",
        type=RecordType.PHONE_RECORD,
        title="电话记录(扫描件)",
        document_date=datetime.date(2024, 5, 6),
        actor=clerk,
        volume=volume,
        channel=Channel.SCAN,
    )
    message = MIMEMultipart()
    message["From"] = f"{Header('王经理', 'gb2312').encode()} <wang@example.cn>"
    message["To"] = "archive@example.cn"
    message["Subject"] = Header("关于维修投诉的处理意见", "gb2312").encode()
    message["Date"] = "Tue, 14 May 2024 09:30:00 +0800"
    message.attach(MIMEText("\n".join(COMPLAINT_HANDLING), "plain", "gb2312"))
    attachment = MIMEApplication(render_text_pdf("投诉处理意见书", [COMPLAINT_HANDLING]), "pdf")
    attachment.add_header(
        "Content-Disposition", "attachment", filename=("utf-8", "", "投诉处理意见书.pdf")
    )
    message.attach(attachment)
    record_file(
        customer=customer,
        stream=io.BytesIO(message.as_bytes()),
        filename="关于维修投诉的处理意见.eml",
        type=RecordType.COMPLAINT_HANDLING,
        document_date=None,
        actor=clerk,
        volume=volume,
        channel=Channel.EMAIL,
    )
    return 3


def demo_load(stdout: TextIO | None = None) -> DemoResult:
    """Load the demo once; later calls only report the logins."""
    passwords = _passwords()
    if Customer.objects.filter(code=CUSTOMERS[0][0]).exists():
        return DemoResult(created=False, logins=passwords)
    result = DemoResult(created=True, logins=passwords)
    with transaction.atomic():
        users = _users(passwords)
        clerk = users["clerk"]
        for index, (code, name, kind, industry, region) in enumerate(CUSTOMERS):
            customer = customer_create(
                code=code,
                name=name,
                kind=kind,
                industry=industry,
                region=region,
                owner=clerk,
                actor=clerk,
            )
            grant_create(user=users["staff"], customer=customer, actor=clerk)
            result.records += _dossier(index, customer, clerk)
            result.customers.append(code)
            if stdout:
                print(f"  {customer}", file=stdout)
    return result
