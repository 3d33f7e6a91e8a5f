"""Reading a record on screen: its page images, the searched words marked in its pages'
text, and the tombstone of a destroyed record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ingestion.pageimages import PageImageRefused, PageImagesBusy, page_image
from records_dms.accounts.admin.views import visible_record
from records_dms.accounts.policy import policy
from records_dms.archive.models import Page, Record, RecordState
from records_dms.archive.pageimages import SIZES, page_image_access_log, page_images_available
from records_dms.archive.permissions import READ_RECORD
from retention.selectors import record_tombstone
from search.analysis import query_terms
from search.highlight import mark

QUERY_LENGTH = 500  # as the search screen reads ``q``


@dataclass(frozen=True)
class ShownPage:
    page: Page
    text: SafeString  # escaped, the query's words in <mark>
    marked: bool


def reader_context(request: HttpRequest, record: Record, *, can_read: bool) -> dict[str, Any]:
    """What the record page's reader shows: pages (text with marks), whether page images
    can be drawn, the page to open on, and a destroyed record's tombstone."""
    query = request.GET.get("q", "").strip()[:QUERY_LENGTH]
    terms = query_terms(query) if query and can_read else []
    shown = []
    for page in record.pages.all() if can_read else []:
        text = mark(page.text, terms)
        # Built by search.highlight.mark: the page's text escaped, <mark> added only.
        shown.append(ShownPage(page, mark_safe(text), "<mark>" in text))  # noqa: S308
    first_marked = next((p.page.number for p in shown if p.marked), None)
    return {
        "pages": shown,
        "query": query,
        "page_images": can_read and page_images_available(record),
        "page_numbers": range(1, record.page_count + 1),
        "open_page": first_marked or 1,
        "tombstone": (
            record_tombstone(user=request.user, record=record)
            if record.state == RecordState.DESTROYED
            else None
        ),
    }


def record_page_image(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One page of the record as a PNG (``?size=thumb|page``): read like its text (the same
    permission, clearance, grant and seal), logged like a read, shown inline and not cached
    by the browser, drawn once and kept."""
    if not policy.has(request.user, READ_RECORD):
        raise PermissionDenied
    record = visible_record(request, pk)
    size = request.GET.get("size", "page")
    drawable = page_images_available(record) and 1 <= number <= record.page_count
    if size not in SIZES or not drawable:
        raise Http404(_("This record has no such page image."))
    try:
        data = page_image(record, number=number, size=size)
    except PageImageRefused as refused:
        return HttpResponse(
            "; ".join(refused.messages), status=422, content_type="text/plain; charset=utf-8"
        )
    except PageImagesBusy:
        busy = HttpResponse(
            _("Page images are being drawn for others; try again in a moment."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        busy["Retry-After"] = "5"
        return busy
    page_image_access_log(record=record, actor=request.user, number=number, size=size)
    response = HttpResponse(data, content_type="image/png")
    name = f"{record.reference}-{number}.png"
    response["Content-Disposition"] = content_disposition_header(False, name) or "inline"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
