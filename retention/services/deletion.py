"""A customer's deletion request (删除请求): registered, then answered.

Answering it proposes at once for destruction every record no retention obligation covers (its
due date has passed, no hold, no loan), seals the dossier so that what must still be kept is
closed to all but compliance officers and auditors, and makes the answer letter (Chinese with
English): which records are kept, why (their schedule) and until when (the due date, or what
the clock waits for).
"""

from __future__ import annotations

import datetime
import hashlib
import io
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from records_dms.accounts.policy import policy
from records_dms.archive.blockers import destruction_blockers
from records_dms.archive.models import Customer, Record, RecordState
from records_dms.archive.numbering import counter_next
from records_dms.archive.permissions import VIEW_SEALED
from records_dms.archive.services import User
from records_dms.audit.services import audit_log
from records_dms.common.pdfrender import chinese_font
from records_dms.common.people import display_name
from retention import events
from retention.inventory import type_label
from retention.models import (
    OPEN_STATES,
    DeletionRequest,
    DeletionState,
    DestructionItem,
    RecordRetention,
    Waiting,
)
from retention.permissions import SEAL
from retention.services.destruction import destruction_propose_as
from retention.services.schedules import retention_recompute
from retention.services.sealing import dossier_seal

WAITING_ZH = {
    Waiting.CASE_OPEN: "等待结案",
    Waiting.NO_CASE: "等待关联投诉案件",
    Waiting.CONTRACT: "等待合同终止",
    Waiting.RELATIONSHIP: "等待客户关系终止",
    Waiting.NO_SCHEDULE: "无适用的保管期限",
    Waiting.PERMANENT: "永久保存",
}
DESTROY, KEEP = "destroy", "keep"


def deletion_request_register(
    *,
    customer: Customer,
    received_on: datetime.date,
    requester: str,
    actor: User,
    notes: str = "",
) -> DeletionRequest:
    """Register a customer's request for deletion (compliance officers), with its date."""
    person = policy.require(actor, SEAL)
    if not requester.strip():
        raise ValidationError(_("Say who made the request."))
    if received_on > timezone.localdate():
        raise ValidationError(_("The date received cannot be in the future."))
    with transaction.atomic():
        year = received_on.year
        request = DeletionRequest.objects.create(
            number=f"SC-{year}-{counter_next(f'deletion-request:{year}'):04d}",
            customer=customer,
            received_on=received_on,
            requester=requester.strip()[:200],
            notes=notes.strip(),
            registered_by=person,
        )
        audit_log(
            action=events.DELETION_REQUEST_REGISTERED,
            actor=actor,
            obj=request,
            customer_code=customer.code,
            data={
                "number": request.number,
                "received_on": received_on.isoformat(),
                "requester": request.requester,
                "notes": request.notes,
            },
        )
    return request


@dataclass
class AnswerRow:
    reference: str
    type: str
    title: str
    decision: str  # DESTROY or KEEP
    schedule: str
    why_zh: str
    why_en: str
    until: str  # ISO date, or what the clock waits for (both languages)

    def as_data(self) -> dict[str, str]:
        return dict(self.__dict__)


def _both(compute: Any) -> tuple[Any, Any]:
    with translation.override("zh-hans"):
        zh = compute()
    with translation.override("en"):
        en = compute()
    return zh, en


def _answer_rows(
    records: list[Record], today: datetime.date
) -> tuple[list[AnswerRow], list[Record]]:
    """One row per live record, and the records free to be destroyed now."""
    states = {
        s.record_id: s
        for s in RecordRetention.objects.filter(record__in=records).select_related("schedule")
    }
    blockers_zh, blockers_en = _both(lambda: destruction_blockers(records))
    pending = {
        item.record_id: item.request.number
        for item in DestructionItem.objects.filter(
            record__in=records, request__state__in=OPEN_STATES
        ).select_related("request")
    }
    rows: list[AnswerRow] = []
    free: list[Record] = []
    for record in records:
        state = states.get(record.pk)
        schedule = state.schedule.local_name() if state and state.schedule else "—"
        due = state.due_date if state else None
        row = AnswerRow(
            reference=record.reference,
            type=record.type,
            title=record.title,
            decision=KEEP,
            schedule=schedule,
            why_zh="",
            why_en="",
            until="",
        )
        rows.append(row)
        if record.pk in pending:
            row.decision = DESTROY
            row.why_zh = f"已列入销毁申请 {pending[record.pk]}"
            row.why_en = f"already proposed for destruction ({pending[record.pk]})"
            continue
        if state is not None and (state.keep_permanently or state.waiting == Waiting.PERMANENT):
            row.why_zh, row.why_en = f"永久保存:{schedule}", f"kept permanently: {schedule}"
            row.until = "永久 permanently"
            continue
        if due is None:
            waiting = state.waiting if state else Waiting.NO_SCHEDULE
            with translation.override("en"):
                label = str(Waiting(waiting).label)
            row.why_zh = f"保管期限表:{schedule}"
            row.why_en = f"retention schedule: {schedule}"
            row.until = f"{WAITING_ZH.get(Waiting(waiting), '')} {label}".strip()
            continue
        if due > today or (state is not None and state.outcome):
            row.why_zh = f"保管期限表:{schedule}"
            row.why_en = f"retention schedule: {schedule}"
            row.until = due.isoformat()
            continue
        if record.pk in blockers_zh:
            row.why_zh = ";".join(blockers_zh[record.pk])
            row.why_en = "; ".join(blockers_en[record.pk])
            row.until = f"{due.isoformat()} 之后,待上述原因消除 (due; kept while the above lasts)"
            continue
        row.decision = DESTROY
        row.why_zh, row.why_en = "保管期限已满", "retention period over"
        row.until = due.isoformat()
        free.append(record)
    return rows, free


def deletion_request_answer(*, request: DeletionRequest, actor: User) -> DeletionRequest:
    """Answer a deletion request (compliance officers): propose, seal, write the letter."""
    person = policy.require(actor, SEAL)
    with transaction.atomic():
        request = DeletionRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != DeletionState.RECEIVED:
            raise ValidationError(
                _("Deletion request %(number)s is already answered.") % {"number": request.number}
            )
        customer = request.customer
        records = list(
            Record.objects.filter(customer=customer)
            .exclude(state=RecordState.DESTROYED)
            .order_by("document_date", "reference")
        )
        retention_recompute([r.pk for r in records], actor=actor, reason="deletion request")
        today = timezone.localdate()
        rows, free = _answer_rows(records, today)
        if free:
            request.destruction = destruction_propose_as(
                free, person, reason=f"删除请求 deletion request {request.number}"
            )
            for row in rows:
                if row.decision == DESTROY and not row.why_zh.startswith("已列入"):
                    row.why_zh = f"保管期限已满,已列入销毁申请 {request.destruction.number}"
                    row.why_en = (
                        f"retention period over; proposed for destruction "
                        f"({request.destruction.number})"
                    )
        if not customer.sealed:
            dossier_seal(
                customer=customer,
                reason=f"删除请求 deletion request {request.number}",
                actor=actor,
            )
            customer.refresh_from_db()
        request.state = DeletionState.ANSWERED
        request.answered_by = person
        request.answered_at = timezone.now()
        request.answer = [row.as_data() for row in rows]
        letter = deletion_letter_pdf(request)
        key = f"letters/{request.number}.pdf"
        if default_storage.exists(key):
            default_storage.delete(key)
        request.letter_key = default_storage.save(key, ContentFile(letter))
        request.letter_sha256 = hashlib.sha256(letter).hexdigest()
        request.save()
        audit_log(
            action=events.DELETION_REQUEST_ANSWERED,
            actor=actor,
            obj=request,
            customer_code=customer.code,
            data={
                "number": request.number,
                "destruction": request.destruction.number if request.destruction else None,
                "destroy": [r.reference for r in rows if r.decision == DESTROY],
                "keep": [r.reference for r in rows if r.decision == KEEP],
                "letter_sha256": request.letter_sha256,
            },
        )
    return request


def _who(user: Any) -> str:
    if user is None:
        return "—"
    full, name = display_name(user), str(user.get_username())
    return f"{full} ({name})" if full != name else name


def deletion_letter_pdf(request: DeletionRequest) -> bytes:
    """The answer letter: what is destroyed, what is kept, why and until when."""
    font = chinese_font()
    title = ParagraphStyle("t", fontName=font, fontSize=15, leading=21, wordWrap="CJK")
    body = ParagraphStyle("b", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    cell = ParagraphStyle("c", fontName=font, fontSize=7.5, leading=9.5, wordWrap="CJK")
    customer = request.customer
    rows = request.answer
    kept = [r for r in rows if r["decision"] == KEEP]
    destroyed = [r for r in rows if r["decision"] == DESTROY]
    answered = timezone.localtime(request.answered_at or timezone.now()).date().isoformat()
    destruction = request.destruction.number if request.destruction else "—"
    paragraphs = [
        f"致 To: {customer.name} ({customer.code}); {request.requester}",
        f"来函编号 Our reference: {request.number}; 收到日期 Received: "
        f"{request.received_on.isoformat()}; 答复日期 Answered: {answered}",
        (
            f"贵方于 {request.received_on.isoformat()} 提出删除贵方资料的请求。"
            "我司依据档案保管期限表处理如下："
            f"保管期限已满且无冻结、借阅的 {len(destroyed)} 份文件"
            f"已列入销毁申请 {destruction}，经审批后销毁并出具销毁记录；"
            f"其余 {len(kept)} 份文件仍须依规保管，已全部封存，"
            "仅合规负责人与质量审核员可查阅，到期后即予销毁。"
        ),
        f"On {request.received_on.isoformat()} you asked us to delete your data. Under our "
        f"retention schedules, the {len(destroyed)} records whose retention period is over and "
        f"that no legal hold or loan keeps have been proposed for destruction ({destruction}); "
        f"they are destroyed once approved, and a certificate of destruction is issued. The "
        f"other {len(kept)} records must still be kept: they are sealed, open only to our "
        f"compliance officer and quality auditors, and destroyed when their period ends.",
    ]
    story: list[Any] = [
        Paragraph("删除请求答复函 Reply to your request for deletion", title),
        Spacer(1, 6),
        *[Paragraph(escape(text), body) for text in paragraphs],
        Spacer(1, 8),
    ]
    for heading, chosen in (
        ("保留并封存的文件 Records kept (sealed)", kept),
        ("销毁的文件 Records to be destroyed", destroyed),
    ):
        story.append(Paragraph(f"<b>{escape(heading)}</b> ({len(chosen)})", body))
        header = [
            "档号 Reference",
            "类型 Type",
            "题名 Title",
            "保管依据 Why",
            "保管至 Until",
        ]
        table_rows = [[Paragraph(escape(h), cell) for h in header]]
        for row in chosen:
            values = [
                row["reference"],
                type_label(row["type"]),
                row["title"],
                f"{row['why_zh']} / {row['why_en']}",
                row["until"] or "—",
            ]
            table_rows.append([Paragraph(escape(str(v)), cell) for v in values])
        if not chosen:
            table_rows.append([Paragraph("—", cell)] * len(header))
        table = Table(
            table_rows, colWidths=[38 * mm, 24 * mm, 42 * mm, 48 * mm, 30 * mm], repeatRows=1
        )
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story += [table, Spacer(1, 8)]
    story.append(
        Paragraph(
            escape(f"合规负责人 Compliance officer: {_who(request.answered_by)}    {answered}"),
            body,
        )
    )
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"删除请求答复函 {request.number}",
        author="records-dms",
        leftMargin=12 * mm,
        rightMargin=12 * mm,
    ).build(story)
    return buffer.getvalue()


def deletion_letter_bytes(request: DeletionRequest) -> bytes:
    with default_storage.open(request.letter_key, "rb") as handle:
        data: bytes = handle.read()
    return data


def deletion_letter_read(*, deletion: DeletionRequest, actor: User) -> bytes:
    """The answer letter's bytes for ``actor``, logged like any other download (screen, API
    and CLI alike). Raises PermissionDenied for who may not see sealed dossiers,
    ValidationError when the request is not answered yet."""
    policy.require(actor, VIEW_SEALED)
    if not deletion.letter_key:
        raise ValidationError(_("%(number)s is not answered yet") % {"number": deletion.number})
    audit_log(
        action=events.DELETION_LETTER_DOWNLOADED,
        actor=actor,
        obj=deletion,
        customer_code=deletion.customer.code,
        data={"number": deletion.number},
    )
    return deletion_letter_bytes(deletion)
