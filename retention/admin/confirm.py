"""Irreversible steps ask first: the first POST shows what the step covers (how many records,
which, the sealed and held ones marked) and a signed token naming exactly those records; only a
POST carrying that token, for the same records, does the step. If what it covers changed in
between (a record filed, a hold placed), the preview is shown again instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core import signing
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from records_dms.archive.models import Record
from records_dms.archive.selectors import visible_records
from retention.admin.base import RetentionView
from retention.services.holds import holds_on

SALT = "retention.confirm"
MAX_AGE = 3600  # seconds a preview stays good for


def confirm_token(step: str, key: str, record_ids: Iterable[int]) -> str:
    return signing.dumps({"step": step, "key": key, "records": sorted(record_ids)}, salt=SALT)


def confirmed(request: HttpRequest, step: str, key: str, record_ids: Iterable[int]) -> bool:
    """True when the POST carries the token of this very preview (same step, same records)."""
    token = request.POST.get("confirm", "")
    if not token:
        return False
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return False
    return data == {"step": step, "key": key, "records": sorted(record_ids)}


def preview(
    request: HttpRequest,
    *,
    step: str,
    key: str,
    title: str,
    question: str,
    records: QuerySet[Record],
    cancel_url: str,
) -> HttpResponse:
    """The confirmation page: the step, its records (sealed and held marked), the token."""
    ids = list(records.values_list("pk", flat=True))
    shown = list(
        records.filter(pk__in=visible_records(user=request.user))
        .select_related("customer")
        .order_by("reference")
    )
    held = holds_on(shown)
    rows = [{"record": r, "sealed": r.customer.sealed, "held": r.pk in held} for r in shown]
    fields: list[tuple[str, Any]] = [
        (name, value)
        for name in request.POST
        if name not in ("csrfmiddlewaretoken", "confirm")
        for value in request.POST.getlist(name)
    ]
    changed = bool(request.POST.get("confirm"))
    context = {
        "title": title,
        "question": question,
        "count": len(ids),
        "rows": rows,
        "hidden": len(ids) - len(shown),
        "fields": fields,
        "token": confirm_token(step, key, ids),
        "cancel_url": cancel_url,
        "changed": _("What this covers changed since the preview; check it again.")
        if changed
        else "",
    }
    view = ConfirmView(title=title)
    view.setup(request)
    return view.render_to_response(view.get_context_data(**context))


class ConfirmView(RetentionView):
    template_name = "retention/confirm.html"
    header_icon = "warning"
    title = ""

    def get_page_title(self) -> str:
        return self.title
