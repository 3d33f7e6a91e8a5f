"""Reads for transfers: which records a transfer takes, and the transfer register."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.archive.models import Customer, Record, RecordState
from records_dms.archive.selectors import visible_customers, visible_records
from records_dms.transfer.models import TransferEntry
from records_dms.transfer.permissions import VIEW_TRANSFERS


def _reachable(user: Any) -> QuerySet[Record]:
    """Every live record for the operator at the machine (user None), else what the user sees."""
    base = Record.objects.all() if user is None else visible_records(user=user)
    return base.exclude(state=RecordState.DESTROYED)


def transfer_records(
    *, user: Any, customer_code: str | None = None, year: int | None = None
) -> list[Record]:
    """The 件 of a transfer: top-level records of a customer or of a document year, in
    dossier order. An unknown customer and one out of reach are refused alike."""
    chosen = _reachable(user).filter(parent__isnull=True)
    if customer_code:
        code = customer_code.strip().upper()
        customers = Customer.objects.all() if user is None else visible_customers(user=user)
        if not customers.filter(code=code).exists():
            raise ValidationError(_("No customer %(code)s.") % {"code": code})
        chosen = chosen.filter(customer__code=code)
    if year:
        chosen = chosen.filter(document_date__year=year)
    return list(
        chosen.select_related("customer", "parent")
        .prefetch_related("pages")
        .order_by("customer__code", "document_date", "reference")
    )


def attachments_of(record: Record, *, user: Any) -> list[Record]:
    """A record's live attachments; refused if any is beyond the user's reach (an email
    does not leave without its attachments)."""
    live = record.children.exclude(state=RecordState.DESTROYED)
    reachable = list(
        _reachable(user)
        .filter(pk__in=live.values("pk"))
        .select_related("customer", "parent")
        .prefetch_related("pages")
        .order_by("reference")
    )
    if len(reachable) != live.count():
        raise ValidationError(
            _("An attachment of %(reference)s is beyond your reach; it cannot be transferred.")
            % {"reference": record.reference}
        )
    return reachable


def transfer_register(*, user: Any) -> QuerySet[TransferEntry]:
    """The transfer register, newest first (none for a user without VIEW_TRANSFERS)."""
    if not policy.has(user, VIEW_TRANSFERS):
        return TransferEntry.objects.none()
    return TransferEntry.objects.select_related("actor").order_by("-occurred_at", "-id")
