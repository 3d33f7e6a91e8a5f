from typing import Any

from django import template

from records_dms.lending.exports import entry_details
from records_dms.lending.models import Loan, RegisterEntry
from records_dms.lending.selectors import TrimmedItems, items_visible

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
