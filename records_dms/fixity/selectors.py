"""Reads of the fixity checks for the home's to-do (待办事项)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.archive.selectors import visible_records
from records_dms.common.todo import LINES, TodoItem, TodoLine
from records_dms.fixity.models import FixityCheck
from records_dms.fixity.permissions import VIEW_FIXITY
from records_dms.fixity.services import FIXITY_FAILED


def todo(*, user: Any) -> list[TodoItem]:
    """Compliance officers: stored originals the last check found damaged or missing."""
    if not policy.has(user, VIEW_FIXITY):
        return []
    bad = (
        FixityCheck.objects.filter(ok=False, record__in=visible_records(user=user))
        .select_related("record")
        .order_by("-checked_at")
    )
    lines = [
        TodoLine(
            f"{check.record.reference} · {check.problem} · {check.checked_at:%Y-%m-%d}",
            reverse("archive:record", args=[check.record_id]),
            warn=True,
        )
        for check in bad[:LINES]
    ]
    count = bad.count()
    url = f"{reverse('audit:audit')}?action={FIXITY_FAILED}"
    label = _("Fixity incidents (damaged or missing originals)")
    return [TodoItem("fixity_incidents", label, count, url, lines, warn=count > 0)]
