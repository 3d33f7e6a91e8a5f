from typing import Any

from django import template
from django.utils.translation import gettext as _

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
    """The entry's details with the references in ``hidden_references`` (records the viewer
    may not see) replaced by a neutral word."""
    text = entry_details(entry)
    for reference in context.get("hidden_references", ()):
        text = text.replace(reference, _("(a record you cannot see)"))
    return text


@register.simple_tag(takes_context=True)
def visible_items(context: Any, loan: Loan) -> TrimmedItems:
    """The loan's items the viewing user may see, and a count of the others."""
    return items_visible(context["request"].user, loan.items.all())
