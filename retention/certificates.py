"""Certificates of destruction (销毁记录): a signed bilingual PDF per executed request."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from records_dms.archive.indexing import indexed_record_ids
from records_dms.archive.models import Page, Record, RecordState
from records_dms.archive.numbering import counter_next
from records_dms.archive.object_lock import versions_present
from records_dms.common.failpoints import chaos_point
from records_dms.common.handsign import signature_image_bytes
from records_dms.common.pdfrender import chinese_font
from records_dms.common.people import display_name
from retention.inventory import item_year, type_label
from retention.models import DestructionCertificate, DestructionRequest, ItemState
from retention.signing import pdf_sign, pdf_signature_problem

CELL = ParagraphStyle("c", fontName="Helvetica", fontSize=7, leading=9, wordWrap="CJK")
GRID = TableStyle(
    [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _who(user: object) -> str:
    if user is None:
        return "—"
    full, name = display_name(user), user.get_username()  # type: ignore[attr-defined]
    return f"{full} ({name})" if full != name else name


def _when(value: object) -> str:
    if value is None:
        return "—"
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S %Z")  # type: ignore[arg-type]


def _table(header: list[str], rows: list[list[Any]], widths: list[float], cell: Any) -> Table:
    def para(value: Any) -> Any:
        return value if isinstance(value, Flowable) else Paragraph(escape(str(value)), cell)

    table = Table(
        [[para(h) for h in header], *[[para(v) for v in row] for row in rows]],
        colWidths=[w * mm for w in widths],
        repeatRows=1,
    )
    table.setStyle(GRID)
    return table


def _inventory(request: DestructionRequest, cell: Any) -> Table:
    """销毁清册: one row per item of the list, as the standard's inventory names them."""
    header = [
        "序号 No.",
        "档号 Reference",
        "题名 Title",
        "类型 Type",
        "年度 Year",
        "保管期限 Retention",
        "页数 Pages",
        "SHA-256",
        "方式 Method",
        "结果 Result",
    ]
    rows = []
    for number, item in enumerate(request.items.order_by("reference"), start=1):
        result = (
            "已销毁 destroyed"
            if item.state == ItemState.DESTROYED
            else f"未销毁 not destroyed: {item.skip_reason}"
        )
        method = request.paper_method if item.paper else request.method
        rows.append(
            [
                number,
                item.reference,
                item.title,
                type_label(item.record_type),
                item_year(item),
                item.retention_period or "—",
                "—" if item.pages is None else item.pages,
                item.sha256 or "—",
                method + (" (纸质 paper)" if item.paper else ""),
                result,
            ]
        )
    return _table(header, rows, [9, 36, 42, 22, 11, 22, 11, 44, 30, 26], cell)


def _signature_image(key: str) -> Flowable | str:
    data = signature_image_bytes(key)
    if data is None:
        return "签名图像缺失 signature image missing"
    return Image(io.BytesIO(data), width=50 * mm, height=18 * mm, kind="proportional")


def _witnesses(request: DestructionRequest, cell: Any) -> Table:
    """监销人: name, department, the hand signature itself and its SHA-256."""
    header = [
        "序号 No.",
        "监销人 Witness",
        "部门 Department",
        "签名 Signature",
        "签名时间 Signed",
        "签名图像 SHA-256 of the signature",
    ]
    rows = [
        [
            w.position,
            f"{w.name} ({w.user.get_username()})" if w.user else w.name,
            w.unit or "—",
            _signature_image(w.image_key),
            _when(w.signed_at),
            w.sha256,
        ]
        for w in request.witnesses.select_related("user")
    ]
    return _table(header, rows, [12, 40, 36, 56, 36, 70], cell)


def _facts(request: DestructionRequest, number: str, issued_at: object) -> list[tuple[str, str]]:
    approvals = request.approvals.select_related("approver")
    items = list(request.items.values_list("state", flat=True))
    destroyed = sum(1 for state in items if state == ItemState.DESTROYED)
    return [
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
        (
            "数量 Items",
            f"{len(items)} (已销毁 destroyed {destroyed}, 未销毁 not destroyed "
            f"{len(items) - destroyed})",
        ),
        ("电子文件销毁方式 Method (electronic)", request.method),
        ("纸质原件销毁方式 Method (paper)", request.paper_method or "—"),
        ("申请理由 Reason", request.reason or "—"),
        ("出具时间 Issued", _when(issued_at)),
    ]


def certificate_pdf(request: DestructionRequest, number: str, issued_at: object) -> bytes:
    """The unsigned certificate: the destruction inventory (销毁清册) with who proposed,
    approved, executed and witnessed what, when, and each witness's hand signature."""
    font = chinese_font()
    title = ParagraphStyle("t", fontName=font, fontSize=16, leading=22, wordWrap="CJK")
    heading = ParagraphStyle("h", fontName=font, fontSize=11, leading=16, wordWrap="CJK")
    body = ParagraphStyle("b", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    cell = ParagraphStyle("c", parent=CELL, fontName=font)
    story: list[Any] = [
        Paragraph("销毁清册 Destruction inventory", title),
        Paragraph("销毁记录 Certificate of destruction", heading),
        Spacer(1, 6),
        *[
            Paragraph(f"<b>{escape(k)}</b>: {escape(v)}", body)
            for k, v in _facts(request, number, issued_at)
        ],
        Spacer(1, 8),
        _inventory(request, cell),
        Spacer(1, 10),
        Paragraph("监销人签字 Signatures of the witnesses", heading),
        Spacer(1, 4),
        _witnesses(request, cell),
    ]
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
        title=f"销毁清册 {number}",
        author="records-dms",
        leftMargin=10 * mm,
        rightMargin=10 * mm,
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
