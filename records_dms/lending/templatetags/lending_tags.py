from typing import Any

from django import template

from records_dms.accounts.policy import policy
from records_dms.lending.exports import entry_details
from records_dms.lending.models import Loan, RegisterEntry
from records_dms.lending.permissions import REQUEST_LOAN
from records_dms.lending.selectors import TrimmedItems, cart_marks, items_visible

register = template.Library()


@register.filter
def register_details(entry: RegisterEntry) -> str:
    """What a register entry is about, in one line (as the printed register says it)."""
    return entry_details(entry)


@register.simple_tag(takes_context=True)
def register_details_for(context: Any, entry: RegisterEntry) -> str:
    """The entry's details, trimmed (no reference, title or free text) when it concerns a
    record the viewer may not see: numbered in ``trimmed_entries`` (the register), or any
    entry of a loan with ``hidden_references`` (the loan page)."""
    trimmed = entry.sequence in context.get("trimmed_entries", ()) or bool(
        context.get("hidden_references")
    )
    return entry_details(entry, trimmed=trimmed)


@register.simple_tag(takes_context=True)
def visible_items(context: Any, loan: Loan) -> TrimmedItems:
    """The loan's items the viewing user may see, and a count of the others."""
    return items_visible(context["request"].user, loan.items.all())


@register.simple_tag(takes_context=True)
def cart_button_state(context: Any, record_id: int) -> dict[str, bool]:
    """Whether the viewer may put this record in the borrowing cart, and whether it is there.

    On a search page every hit is asked about in one query (the first button asks for all)."""
    request = context["request"]
    if not policy.has(request.user, REQUEST_LOAN):
        return {"may": False, "in_cart": False}
    cached = getattr(request, "_cart_marks", None)
    if cached is None or record_id not in cached[0]:
        ids = {record_id, *(row["hit"].record_id for row in context.get("hits") or ())}
        may, in_cart = cart_marks(request.user, ids)
        cached = (ids, may, in_cart)
        request._cart_marks = cached
    return {"may": record_id in cached[1], "in_cart": record_id in cached[2]}
