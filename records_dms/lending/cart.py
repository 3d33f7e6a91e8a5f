"""The borrowing cart (借阅车): a user collects records from record pages and search hits, then
asks for all of them in one loan request through ``loan_request``.

The cart lives in the database (one row per user and record), so it survives a new login. What
the user may see is decided when the cart is read, never when it was filled: records reclassified,
sealed or destroyed since are dropped, and only their number is told.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.archive.models import Record
from records_dms.audit.services import audit_log
from records_dms.lending import events
from records_dms.lending.models import CartItem, Loan
from records_dms.lending.permissions import REQUEST_LOAN
from records_dms.lending.selectors import cart_marks, cart_out_of_reach, cart_records
from records_dms.lending.services import loan_request


def _log(action: str, actor: Any, record: Record | None = None, **data: object) -> None:
    audit_log(
        action=action,
        actor=actor,
        obj=record,
        customer_code=record.customer.code if record is not None else "",
        data={"reference": record.reference, **data} if record is not None else dict(data),
    )


def cart_add(*, actor: Any, record: Record) -> bool:
    """Put a record the actor may see and borrow in their cart; False if it was there already."""
    policy.require(actor, REQUEST_LOAN)
    may, _in_cart = cart_marks(actor, [record.pk])
    if record.pk not in may:
        raise ValidationError(_("This record cannot be borrowed."))
    with transaction.atomic():
        _item, created = CartItem.objects.get_or_create(user=actor, record=record)
        if created:
            _log(events.CART_ADDED, actor, record)
    return created


def cart_remove(*, actor: Any, record_id: int) -> bool:
    """Take one record out of the actor's cart; False if it was not in it."""
    policy.require(actor, REQUEST_LOAN)
    with transaction.atomic():
        item = (
            CartItem.objects.select_related("record__customer")
            .filter(user_id=actor.pk, record_id=record_id)
            .first()
        )
        if item is None:
            return False
        item.delete()
        if record_id in cart_marks(actor, [record_id])[0]:
            _log(events.CART_REMOVED, actor, item.record)
        else:  # out of the actor's reach now: no reference in their trail either
            _log(events.CART_REMOVED, actor, count=1)
    return True


def cart_empty(*, actor: Any) -> int:
    """Take everything out of the actor's cart; how many records were in it."""
    policy.require(actor, REQUEST_LOAN)
    with transaction.atomic():
        count, _rows = CartItem.objects.filter(user_id=actor.pk).delete()
        if count:
            _log(events.CART_EMPTIED, actor, count=count)
    return count


def cart_drop_out_of_reach(*, actor: Any) -> int:
    """Drop the records the actor may no longer see or borrow; how many were dropped."""
    with transaction.atomic():
        stale = list(cart_out_of_reach(actor).values_list("pk", flat=True))
        if stale:
            CartItem.objects.filter(pk__in=stale).delete()
            _log(events.CART_DROPPED, actor, count=len(stale))
    return len(stale)


@dataclass(frozen=True)
class CartRequest:
    loan: Loan
    dropped: int


def cart_request(
    *, actor: Any, kind: str, purpose: str, due_on: datetime.date | None = None
) -> CartRequest:
    """Ask to borrow every record in the cart in ONE loan request, then empty the cart.

    Records out of reach are dropped first (and counted); the loan service checks the rest
    again (kind, purpose, due date, an electronic copy to lend)."""
    policy.require(actor, REQUEST_LOAN)
    dropped = cart_drop_out_of_reach(actor=actor)
    with transaction.atomic():
        records = list(cart_records(actor))
        if not records:
            raise ValidationError(_("The borrowing cart is empty."))
        items = [(record, kind) for record in records]
        loan = loan_request(actor=actor, items=items, purpose=purpose, due_on=due_on)
        CartItem.objects.filter(user_id=actor.pk, record__in=records).delete()
    return CartRequest(loan=loan, dropped=dropped)
