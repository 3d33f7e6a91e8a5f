"""Certificates of destruction (销毁记录): a signed bilingual PDF per executed request."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from records_dms.archive.indexing import indexed_record_ids
from records_dms.archive.models import Page, Record, RecordState, RecordType
from records_dms.archive.object_lock import versions_present
from records_dms.archive.services import counter_next
from records_dms.common.failpoints import chaos_point
from records_dms.common.pdfrender import chinese_font
from records_dms.common.people import display_name
from retention.models import DestructionCertificate, DestructionRequest, ItemState
from retention.signing import pdf_sign, pdf_signature_problem

TYPE_ZH = {
    "contract": "合同",
    "contract_amendment": "合同变更",
    "minutes": "会议纪要",
    "phone_record": "电话记录",
    "email": "电子邮件",
    "survey": "满意度调查",
    "complaint": "投诉",
    "complaint_handling": "投诉处理记录",
    "feedback": "反馈",
    "other": "其他",
}


def _who(user: object) -> str:
    if user is None:
        return "—"
    full, name = display_name(user), user.get_username()  # type: ignore[attr-defined]
    return f"{full} ({name})" if full != name else name


def _when(value: object) -> str:
    if value is None:
        return "—"
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S %Z")  # type: ignore[arg-type]


def certificate_pdf(request: DestructionRequest, number: str, issued_at: object) -> bytes:
    """The unsigned certificate: who proposed, approved, executed and witnessed what, when."""
    font = chinese_font()
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22, wordWrap="CJK")
    body = ParagraphStyle("b", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    cell = ParagraphStyle("c", fontName=font, fontSize=7, leading=9, wordWrap="CJK")
    approvals = request.approvals.select_related("approver")
    facts = [
        ("证明编号 Certificate", number),
        ("销毁申请 Request", request.number),
        ("申请人 Proposed by", f"{_who(request.proposed_by)}  {_when(request.proposed_at)}"),
        (
            "审批人 Approved by",
            "; ".join(f"{_who(a.approver)}  {_when(a.approved_at)}" for a in approvals) or "—",
        ),
        (
            "执行人 Executed by",
            f"{_who(request.executed_by)}  {_when(request.execution_started_at)}",
        ),
        ("监销人 Witness", request.witness or "—"),
        ("电子文件销毁方式 Method (electronic)", request.method),
        ("纸质原件销毁方式 Method (paper)", request.paper_method or "—"),
        ("申请理由 Reason", request.reason or "—"),
        ("出具时间 Issued", _when(issued_at)),
    ]
    story: list = [
        Paragraph("销毁记录 Certificate of destruction", title),
        Spacer(1, 6),
        *[Paragraph(f"<b>{escape(k)}</b>: {escape(v)}", body) for k, v in facts],
        Spacer(1, 8),
    ]
    header = [
        "档号 Reference",
        "类型 Type",
        "题名 Title",
        "文件日期 Date",
        "到期日 Due",
        "SHA-256",
        "方式 Method",
        "结果 Result",
    ]
    rows = [[Paragraph(escape(h), cell) for h in header]]
    labels = dict(RecordType.choices)
    for item in request.items.order_by("reference"):
        method = request.paper_method if item.paper else request.method
        result = (
            "已销毁 destroyed"
            if item.state == ItemState.DESTROYED
            else f"未销毁 not destroyed: {item.skip_reason}"
        )
        values = [
            item.reference,
            f"{TYPE_ZH.get(item.record_type, '')} {labels.get(item.record_type, item.record_type)}",
            item.title,
            item.document_date.isoformat(),
            item.due_date.isoformat() if item.due_date else "—",
            item.sha256 or "—",
            method + (" (纸质 paper)" if item.paper else ""),
            result,
        ]
        rows.append([Paragraph(escape(str(v)), cell) for v in values])
    widths = [38 * mm, 26 * mm, 45 * mm, 20 * mm, 20 * mm, 52 * mm, 38 * mm, 28 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    # On S3: the object versions each destroyed record's files had (none on the local folder).
    removed = [i for i in request.items.order_by("reference") if i.version_ids]
    if removed:
        story += [
            Spacer(1, 8),
            Paragraph("<b>已删除的存储对象版本 Storage object versions removed (S3)</b>", body),
            *[
                Paragraph(escape(f"{i.reference}: {', '.join(i.version_ids)}"), cell)
                for i in removed
            ],
        ]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        title=f"销毁记录 {number}",
        author="records-dms",
        leftMargin=12 * mm,
        rightMargin=12 * mm,
    ).build(story)
    return buffer.getvalue()


def certificate_issue(request: DestructionRequest) -> DestructionCertificate:
    """Make, sign and keep the certificate of an executed request (once; safe to repeat)."""
    from retention.services.filing import certificate_file

    existing = DestructionCertificate.objects.filter(request=request).first()
    if existing is not None:
        if existing.record_id is None:  # a run killed before filing it
            certificate_file(existing, request.executed_by)
        return existing
    issued_at = timezone.now()
    with transaction.atomic():
        year = timezone.localdate().year
        number = f"XHJL-{year}-{counter_next(f'destruction-certificate:{year}'):04d}"
        signed = pdf_sign(certificate_pdf(request, number, issued_at))
        key = f"certificates/{number}.pdf"
        if default_storage.exists(key):  # left by a run killed before this row was saved
            default_storage.delete(key)
        saved = default_storage.save(key, ContentFile(signed))
        chaos_point("certificate:stored")
        certificate = DestructionCertificate.objects.create(
            request=request,
            number=number,
            pdf_key=saved,
            sha256=hashlib.sha256(signed).hexdigest(),
            issued_at=issued_at,
        )
        certificate_file(certificate, request.executed_by)
    # Filing it announced the new record: it is indexed when the caller's transaction commits
    # (a kill before that leaves the change pending in the index's journal: index_recover).
    return certificate


def certificate_bytes(certificate: DestructionCertificate) -> bytes:
    with default_storage.open(certificate.pdf_key, "rb") as handle:
        data: bytes = handle.read()
    return data


@dataclass(frozen=True)
class CertificateProblem:
    number: str
    problem: str


def certificate_verify(certificate: DestructionCertificate) -> list[CertificateProblem]:
    """The PDF is intact and signed by our key, and every record it lists is really gone."""
    problems: list[CertificateProblem] = []

    def problem(text: str) -> None:
        problems.append(CertificateProblem(certificate.number, text))

    if not default_storage.exists(certificate.pdf_key):
        problem("the certificate's PDF is missing")
    else:
        data = certificate_bytes(certificate)
        if hashlib.sha256(data).hexdigest() != certificate.sha256:
            problem("the PDF does not match its SHA-256")
        signature = pdf_signature_problem(data)
        if signature:
            problem(signature)
    indexed = indexed_record_ids()
    for item in certificate.request.items.filter(state=ItemState.DESTROYED):
        if item.record_id in indexed:
            problem(f"{item.reference}: still in the search index")
        record = Record.objects.get(pk=item.record_id)
        if record.state != RecordState.DESTROYED:
            problem(f"{item.reference} is listed as destroyed but is {record.state}")
        if Page.objects.filter(record_id=item.record_id).exists():
            problem(f"{item.reference}: page texts are still kept")
        for key in (item.original_key, item.rendition_key):
            still_used = Record.objects.filter(original_key=key).exclude(
                state=RecordState.DESTROYED
            )
            if key and default_storage.exists(key) and not still_used.exists():
                problem(f"{item.reference}: a stored file is still there ({key})")
            for version in versions_present(key, item.version_ids):
                problem(f"{item.reference}: the store still holds version {version} of {key}")
    return problems


def certificates_verify() -> list[CertificateProblem]:
    problems: list[CertificateProblem] = []
    for certificate in DestructionCertificate.objects.select_related("request"):
        problems += certificate_verify(certificate)
    return problems
