"""The destruction inventory (销毁清册): what each item of a list prints (档号, 题名, 年度,
保管期限, 页数, SHA-256), the preview shown before execution, and the progress of a run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone, translation

from records_dms.archive.models import Record, RecordType
from retention.models import DestructionItem, DestructionRequest, ItemState, RetentionSchedule


def bilingual(text: Any) -> str:
    """A translatable label in Chinese then English, each once ("电话记录 Phone record"),
    whatever language is active (a certificate reads the same from any screen or worker)."""
    with translation.override("zh-hans"):
        chinese = str(text)
    with translation.override("en"):
        english = str(text)
    return chinese if chinese == english else f"{chinese} {english}"


def type_label(code: str) -> str:
    label = dict(RecordType.choices).get(code)
    return bilingual(label) if label is not None else code


def period_label(schedule: RetentionSchedule | None) -> str:
    """保管期限 as the inventory prints it: the schedule's period in both languages."""
    if schedule is None:
        return ""
    with translation.override("zh-hans"):
        chinese = schedule.period_label()
    with translation.override("en"):
        english = schedule.period_label()
    return (chinese if chinese == english else f"{chinese} {english}")[:100]


def item_year(item: DestructionItem) -> int:
    """年度: the year of the document date."""
    return item.document_date.year


def items_complete(request: DestructionRequest) -> None:
    """Fill pages and retention period of items proposed before the inventory kept them (the
    records are still there: this runs when execution starts)."""
    for item in request.items.filter(pages__isnull=True).select_related(
        "record__retention__schedule"
    ):
        record: Record = item.record
        schedule = getattr(getattr(record, "retention", None), "schedule", None)
        item.pages = record.page_count
        item.retention_period = item.retention_period or period_label(schedule)
        item.save(update_fields=["pages", "retention_period"])


@dataclass(frozen=True)
class PreviewRow:
    item: DestructionItem
    year: int
    pages: int
    retention_period: str
    sealed: bool
    held: bool
    excluded: list[str]


def inventory_preview(request: DestructionRequest) -> list[PreviewRow]:
    """Every item as execution would treat it now: what will go and what is excluded, why."""
    from retention.services.destruction import not_destroyable_reasons
    from retention.services.holds import holds_on

    items = list(
        request.items.select_related("record__customer", "record__retention__schedule").order_by(
            "reference"
        )
    )
    records = [i.record for i in items]
    reasons = not_destroyable_reasons(records, timezone.localdate())
    held = holds_on(records)
    rows = []
    for item in items:
        record = item.record
        schedule = getattr(getattr(record, "retention", None), "schedule", None)
        rows.append(
            PreviewRow(
                item=item,
                year=item_year(item),
                pages=item.pages if item.pages is not None else record.page_count,
                retention_period=item.retention_period or period_label(schedule),
                sealed=record.customer.sealed,
                held=record.pk in held,
                excluded=reasons.get(record.pk, []),
            )
        )
    return rows


def destruction_progress(request: DestructionRequest) -> dict[str, Any]:
    """How far a run is: items done of all, and the certificate once issued."""
    counts = {state: 0 for state in ItemState.values}
    for state in request.items.values_list("state", flat=True):
        counts[state] += 1
    certificate = getattr(request, "certificate", None) if request.pk else None
    return {
        "state": request.state,
        "state_label": str(request.get_state_display()),
        "total": sum(counts.values()),
        "destroyed": counts[ItemState.DESTROYED],
        "skipped": counts[ItemState.SKIPPED],
        "pending": counts[ItemState.PENDING] + counts[ItemState.PURGING],
        "certificate": certificate.number if certificate is not None else None,
    }
