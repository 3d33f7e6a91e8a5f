"""Writes of the reports app: survey results, and the audit event of every export."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from records_dms.archive.models import Record, RecordState, RecordType
from records_dms.archive.services import User
from records_dms.audit.services import audit_log
from records_dms.reports import events
from records_dms.reports.models import SurveyAnswer, SurveyResult

ONE_DECIMAL = Decimal("0.1")


def _score(value: Any) -> Decimal:
    try:
        score = Decimal(str(value)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    except ArithmeticError as error:
        raise ValidationError(_("A score must be a number.")) from error
    if not Decimal(0) <= score <= Decimal(100):
        raise ValidationError(_("A score lies between 0 and 100."))
    return score


def survey_results_set(
    *,
    record: Record,
    answers: Sequence[tuple[str, Any]],
    actor: User,
    overall: Any = None,
    remarks: str = "",
) -> SurveyResult:
    """Enter or replace the structured results of a satisfaction survey record.

    ``answers`` are (question, score) pairs on a 0–100 scale; ``overall`` left empty becomes
    the mean of the answers. The audit event keeps the scores before and after.
    """
    if record.type != RecordType.SURVEY:
        raise ValidationError(_("Only a satisfaction survey record carries survey results."))
    if record.state == RecordState.DESTROYED:
        raise ValidationError(_("A destroyed record cannot be changed."))
    cleaned = [(question.strip(), _score(score)) for question, score in answers if question.strip()]
    if overall in (None, ""):
        if not cleaned:
            raise ValidationError(_("Enter an overall score or at least one question's score."))
        total = sum((score for _question, score in cleaned), Decimal(0))
        overall_score = (total / len(cleaned)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    else:
        overall_score = _score(overall)
    with transaction.atomic():
        result = SurveyResult.objects.select_for_update().filter(record=record).first()
        before = _snapshot(result) if result is not None else None
        if result is None:
            result = SurveyResult(record=record)
        result.overall = overall_score
        result.remarks = remarks.strip()
        result.entered_by = actor if actor is not None and actor.is_authenticated else None
        result.save()
        result.answers.all().delete()
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(result=result, position=position, question=question[:200], score=score)
            for position, (question, score) in enumerate(cleaned, start=1)
        )
        audit_log(
            action=events.SURVEY_RESULTS_SET,
            actor=actor,
            obj=record,
            customer_code=record.customer.code,
            data={"reference": record.reference, "before": before, "after": _snapshot(result)},
        )
    return result


def _snapshot(result: SurveyResult) -> dict[str, Any]:
    return {
        "overall": str(result.overall),
        "answers": [[a.question, str(a.score)] for a in result.answers.order_by("position")],
    }


def report_export_log(
    *, report: str, file_format: str, actor: User, rows: int, params: dict[str, Any]
) -> None:
    """Write who exported which report, with which filters and how many rows."""
    audit_log(
        action=events.REPORT_EXPORTED,
        actor=actor,
        customer_code=str(params.get("customer", "") or ""),
        data={"report": report, "format": file_format, "rows": rows, "params": params},
    )
