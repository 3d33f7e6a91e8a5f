"""The record page as a reader's page: page images (drawn once, kept, read like the text and
logged), and a search hit that opens the page it was found on with the query's words marked."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import io
import re
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from ingestion.services import record_file
from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.archive.indexing import records_reindex
from records_dms.archive.models import Customer, Record, RecordState
from records_dms.archive.pageimages import SIZES, page_image_key
from records_dms.audit import events
from records_dms.audit.models import AuditEvent
from records_dms.common.pdfrender import render_text_pdf
from tests.conftest import client_for
from tests.factories import file_pdf, make_record

pytestmark = pytest.mark.django_db


def image_url(record: Record, number: int, size: str = "page") -> str:
    return reverse("archive:record_page_image", args=[record.pk, number]) + f"?size={size}"


def page_views(record: Record) -> list[AuditEvent]:
    return [
        event
        for event in AuditEvent.objects.filter(action=events.RECORD_VIEWED, object_id=record.pk)
        if str(event.data.get("what", "")).startswith("page_image")
    ]


def stored_record(customer: Any, clerk: Any, data: bytes, *, mime: str, pages: int) -> Record:
    """A record whose original is ``data`` (a scan made here), as filing leaves it."""
    sha256 = hashlib.sha256(data).hexdigest()
    key = default_storage.save(f"originals/{sha256[:2]}/{sha256}", ContentFile(data))
    original = {"key": key, "name": "scan", "mime_type": mime, "size": len(data), "sha256": sha256}
    record = make_record(customer, actor=clerk, title="扫描件", original=original)
    Record.objects.filter(pk=record.pk).update(page_count=pages, state=RecordState.FILED)
    record.refresh_from_db()
    return record


def two_page_pdf(customer: Any, clerk: Any) -> Record:
    data = render_text_pdf(
        "客户服务记录",
        [["第一页只谈合同续签与交货日期。"], ["客户投诉处理：<script>alert(1)</script> 已回访。"]],
    )
    return record_file(
        customer=customer,
        stream=io.BytesIO(data),
        filename="服务记录.pdf",
        actor=clerk,
        type="complaint",
        title="客户服务记录",
        document_date=datetime.date(2024, 5, 6),
    )


def test_page_images_are_drawn_once_kept_shown_inline_and_logged(users, customer, clerk):
    record = two_page_pdf(customer, clerk)
    client = client_for(users[roles.AUDITOR])

    response = client.get(image_url(record, 2, "thumb"))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert {"private", "no-store"} <= {p.strip() for p in response["Cache-Control"].split(",")}
    with Image.open(io.BytesIO(response.content)) as image:
        assert max(image.size) == SIZES["thumb"]
    key = page_image_key(record, 2, "thumb")
    assert default_storage.exists(key)

    # Kept: the next request is served from the storage, not drawn again.
    default_storage.delete(key)
    default_storage.save(key, ContentFile(response.content[:-1] + b"!"))
    assert client.get(image_url(record, 2, "thumb")).content.endswith(b"!")

    page = client.get(image_url(record, 1))
    with Image.open(io.BytesIO(page.content)) as image:
        assert max(image.size) == SIZES["page"]
    logged = page_views(record)
    assert [(e.data["page"], e.data["what"]) for e in logged] == [
        (2, "page_image:thumb"),
        (2, "page_image:thumb"),
        (1, "page_image:page"),
    ]
    assert {e.actor_name for e in logged} == {"auditor"}


def test_record_page_shows_thumbnails_and_the_viewer(users, customer, clerk):
    record = two_page_pdf(customer, clerk)
    html = client_for(clerk).get(reverse("archive:record", args=[record.pk])).content.decode()
    assert html.count('class="page-thumbnail"') == 2
    assert image_url(record, 2, "thumb").replace("&", "&amp;") in html
    assert f'data-src="{image_url(record, 1)}"' in html
    assert 'data-open-page="1"' in html


def test_staff_who_may_not_download_originals_still_see_page_images(users, customer, clerk):
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    record = file_pdf(customer, actor=clerk)
    client = client_for(staff)
    download = client.get(reverse("archive:record_download", args=[record.pk]))
    assert download.status_code == 302 and download["Location"] == "/admin/"  # refused
    response = client.get(image_url(record, 1))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("inline")
    html = client.get(reverse("archive:record", args=[record.pk])).content.decode()
    assert 'class="page-thumbnail"' in html


def test_page_images_are_refused_as_the_text_is(users, customer, clerk):
    staff, admin = users[roles.STAFF], users[roles.ADMINISTRATOR]
    record = file_pdf(customer, actor=clerk)
    secret = file_pdf(customer, actor=clerk, confidentiality="secret", lines=["机密的内容"])
    assert client_for(staff).get(image_url(record, 1)).status_code == 404  # no grant
    assert client_for(admin).get(image_url(record, 1)).status_code in (302, 403)  # no read
    anonymous = client_for(None).get(image_url(record, 1))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    grant_create(user=staff, customer=customer, actor=clerk)
    assert client_for(staff).get(image_url(record, 1)).status_code == 200
    assert client_for(staff).get(image_url(secret, 1)).status_code == 404  # above clearance
    Customer.objects.filter(pk=customer.pk).update(sealed=True)
    assert client_for(staff).get(image_url(record, 1)).status_code == 404
    assert client_for(clerk).get(image_url(record, 1)).status_code == 404  # sealed dossier
    assert client_for(users[roles.COMPLIANCE]).get(image_url(record, 1)).status_code == 200
    # No page, no such size: not found; only the images shown were logged.
    assert client_for(clerk).get(image_url(secret, 1, "huge")).status_code == 404
    assert client_for(users[roles.AUDITOR]).get(image_url(secret, 2)).status_code == 404
    assert client_for(users[roles.AUDITOR]).get(image_url(secret, 0)).status_code == 404
    assert [e.actor_name for e in page_views(record)] == ["staff", "compliance"]
    assert page_views(secret) == []


def test_a_multi_frame_tiff_has_a_page_image_per_frame(customer, clerk):
    frames = [Image.new("L", (600, 800), shade) for shade in (255, 0)]
    out = io.BytesIO()
    frames[0].save(out, format="TIFF", save_all=True, append_images=frames[1:])
    record = stored_record(customer, clerk, out.getvalue(), mime="image/tiff", pages=2)
    client = client_for(clerk)
    for number, expected in ((1, 255), (2, 0)):
        response = client.get(image_url(record, number, "thumb"))
        with Image.open(io.BytesIO(response.content)) as image:
            assert image.size == (180, 240) and image.getpixel((90, 120)) == expected
    assert client.get(image_url(record, 3, "thumb")).status_code == 404


def test_a_decompression_bomb_is_refused_with_its_reason_and_nothing_kept(
    customer, clerk, settings
):
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000), 1).save(out, format="PNG")  # 144 Mpx in a few kB
    record = stored_record(customer, clerk, out.getvalue(), mime="image/png", pages=1)
    settings.INGESTION = dataclasses.replace(settings.INGESTION, max_image_pixels=50_000_000)
    response = client_for(clerk).get(image_url(record, 1, "thumb"))
    assert response.status_code == 422
    text = response.content.decode()
    assert record.reference in text and "decompression bomb" in text
    assert not default_storage.exists(page_image_key(record, 1, "thumb"))
    assert page_views(record) == []


def test_a_hit_opens_its_page_with_the_query_marked(users, customer, clerk):
    record = two_page_pdf(customer, clerk)
    records_reindex([record])
    client = client_for(users[roles.AUDITOR])
    search = client.get(reverse("archive:search"), {"q": "投诉"}).content.decode()
    links = re.findall(r'class="hit-link" href="([^"]+)"', search)
    assert links == [
        f"{reverse('archive:record', args=[record.pk])}?q=%E6%8A%95%E8%AF%89#page-2"
    ], links

    html = client.get(links[0].split("#")[0].replace("&amp;", "&")).content.decode()
    assert 'data-open-page="2"' in html
    page_two = html[html.index('id="page-2"') :]
    # 投诉 marked inside the longer word 客户投诉处理; everything else escaped.
    assert "客户<mark>投诉</mark>处理" in page_two
    assert "&lt;script&gt;" in page_two and "<script>alert" not in html
    page_one = html[html.index('id="page-1"') : html.index('id="page-2"')]
    assert "<mark>" not in page_one


def test_page_images_beyond_the_drawers_are_told_to_come_back_and_nothing_is_forked(
    users: Any, customer: Any, clerk: Any, settings: Any, monkeypatch: Any
) -> None:
    """A strip of thumbnails, or someone asking for thousands of pages, draws at most
    DMS_PAGE_IMAGE_DRAWERS pages at once per process; the others get 503 and Retry-After."""
    from ingestion import pageimages

    settings.INGESTION = dataclasses.replace(settings.INGESTION, page_image_drawers=1)
    monkeypatch.setattr(pageimages, "WAIT_SECONDS", 0.2)
    record = two_page_pdf(customer, clerk)
    client = client_for(users[roles.AUDITOR])
    slots = pageimages.drawers()
    assert slots.acquire(timeout=1)  # another request is drawing
    try:
        busy = client.get(image_url(record, 1))
    finally:
        slots.release()
    assert busy.status_code == 503 and busy["Retry-After"] == "5"
    assert "try again" in busy.content.decode()
    assert not default_storage.exists(page_image_key(record, 1, "page"))  # nothing drawn
    assert page_views(record) == []  # nothing shown, nothing logged as read
    # The drawer free again, the same request draws the page.
    drawn = client.get(image_url(record, 1))
    assert drawn.status_code == 200 and drawn["Content-Type"] == "image/png"


def test_a_drawing_that_keeps_the_processor_busy_is_refused_after_its_limit() -> None:
    """The bounded child runs under RLIMIT_CPU: a parser caught in a loop on a hostile page is
    ended by the kernel and the page refused with the limit named, the caller unharmed."""
    from ingestion.parsers.base import RejectedInput
    from ingestion.sandbox import bounded

    with pytest.raises(RejectedInput, match="1 s of processor time"):
        bounded(_spin, budget=64 * 1024 * 1024, max_pixels=1000, cpu_seconds=1)
    assert bounded(sum, [1, 2], budget=64 * 1024 * 1024, max_pixels=1000, cpu_seconds=1) == 3


def _spin() -> None:
    while True:
        pass
