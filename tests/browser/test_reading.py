"""Reading in Chromium, in Chinese: a hit opens the record page on the hit's page, its words
marked, the page's image beside its text and every thumbnail drawn."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from ingestion.services import record_file
from records_dms.accounts import roles
from records_dms.archive.indexing import records_reindex
from records_dms.common.pdfrender import render_text_pdf
from tests.browser.test_access_audit import _sign_in
from tests.browser.test_clerk_journey import ARTIFACTS, _launch, _path_is
from tests.factories import CustomerFactory

LOADED = "images => images.length > 0 && images.every(i => i.complete && i.naturalWidth > 0)"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_hit_opens_the_viewer_on_its_page_with_words_marked(
    live_server: Any, settings: Any, users: dict[str, Any]
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    customer = CustomerFactory.create(code="KH-0310", name="南方物流有限公司")
    pages = [
        ["第一页：合同续签与交货日期。"],
        ["客户投诉处理记录：已于三日内回访客户。"],
        ["附页。"],
    ]
    record = record_file(
        customer=customer,
        stream=io.BytesIO(render_text_pdf("客户服务记录", pages)),
        filename="服务记录.pdf",
        actor=users[roles.CLERK],
        type="complaint",
        title="客户服务记录",
        document_date=datetime.date(2024, 5, 6),
    )
    records_reindex([record])
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            page = _sign_in(browser, base, users[roles.AUDITOR].username)
            page.goto(base + reverse("archive:search") + "?q=投诉")
            page.locator("a.hit-link", has_text=record.reference).click()
            page.wait_for_url(_path_is(reverse("archive:record", args=[record.pk])))
            assert page.url.endswith("#page-2")

            viewer = page.locator(".record-reader")
            expect(viewer.locator("#page-2")).to_be_visible()
            expect(viewer.locator("#page-1")).to_be_hidden()
            expect(viewer.locator("#page-2 .page-text mark")).to_have_text(["投诉"])
            expect(viewer.locator("#page-2 .page-text")).to_contain_text("客户投诉处理记录")
            expect(viewer.locator(".page-thumbnail[aria-current=page]")).to_have_attribute(
                "data-page", "2"
            )
            expect(page.locator("h2#pages")).to_have_text("页面")
            page.wait_for_function(
                f"() => ({LOADED})(Array.from(document.querySelectorAll("
                "'.page-thumbnail img, #page-2 img.page-image')))"
            )
            assert viewer.locator(".page-thumbnail img").count() == 3
            page.locator("h2#pages").evaluate("heading => heading.scrollIntoView()")
            page.screenshot(path=str(ARTIFACTS / "reading-hit-page.png"))

            viewer.locator(".page-thumbnail[data-page='1']").click()
            expect(viewer.locator("#page-1")).to_be_visible()
            expect(viewer.locator("#page-2")).to_be_hidden()
            page.wait_for_function(
                f"() => ({LOADED})(Array.from(document.querySelectorAll('#page-1 img.page-image')))"
            )
        finally:
            browser.close()
