from django import template

from records_dms.lending.exports import entry_details
from records_dms.lending.models import RegisterEntry

register = template.Library()


@register.filter
def register_details(entry: RegisterEntry) -> str:
    """What a register entry is about, in one line (as the printed register says it)."""
    return entry_details(entry)
