"""URL converters of ours. ``<id:pk>`` is a database id: digits that fit a 64-bit integer.

Django's ``<id:...>`` takes any number of digits, and an id past SQLite's (and PostgreSQL's)
integer range reached the database and raised OverflowError: a 500 for a URL anyone can type.
An id of at most 18 digits is always in range, and a longer one is not found by the resolver
(404) before any view runs.
"""

from __future__ import annotations

from django.urls import register_converter

from records_dms.common import converters  # noqa: F401  (registers <id:…>)


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int | str) -> str:
        return str(value)


register_converter(IdConverter, "id")


def as_id(value: object) -> int | None:
    """``value`` as a database id when it is one (for ids that arrive as query parameters or
    from other apps' URL patterns), else None."""
    text = str(value)
    return int(text) if text.isdigit() and len(text) <= 18 else None
