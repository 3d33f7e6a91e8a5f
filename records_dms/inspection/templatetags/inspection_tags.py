"""The record page's four-property check panel, and an item's name from its code."""

from __future__ import annotations

from typing import Any

from django import template

from records_dms.accounts.policy import policy
from records_dms.inspection.items import item_of
from records_dms.inspection.models import Outcome
from records_dms.inspection.permissions import RUN_INSPECTION, VIEW_INSPECTION
from records_dms.inspection.selectors import record_latest_inspection

register = template.Library()


@register.filter
def item_label(code: str) -> str:
    item = item_of(code)
    return str(item.label) if item else ""


@register.inclusion_tag("inspection/record_panel.html", takes_context=True)
def inspection_panel(context: Any, record: Any) -> dict[str, Any]:
    user = context["request"].user
    inspection, results = record_latest_inspection(user=user, record=record)
    return {
        "record": record,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "may_view": policy.has(user, VIEW_INSPECTION),
        "may_run": policy.has(user, RUN_INSPECTION),
        "inspection": inspection,
        "results": results,
        "faults": sum(1 for r in results if r.outcome == Outcome.FAIL),
    }


@register.inclusion_tag("inspection/dossier_button.html", takes_context=True)
def inspection_dossier_button(context: Any, customer: Any) -> dict[str, Any]:
    return {
        "customer": customer,
        "csrf_token": context.get("csrf_token"),
        "may_run": policy.has(context["request"].user, RUN_INSPECTION),
    }
