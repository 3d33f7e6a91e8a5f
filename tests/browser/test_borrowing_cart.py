"""The borrowing cart (借阅车) in Chinese in Chromium: a staff member puts two search hits and one
record page in the cart, opens it, asks for all three in one loan and finds it in 我的借阅."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.archive.searching import SearchFilters, record_search
from tests.browser.test_chinese_labels import sign_in
from tests.browser.test_clerk_journey import ARTIFACTS, TIMEOUT_MS, _launch, _path_is
from tests.factories import file_pdf, make_record


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_fills_the_borrowing_cart_from_hits_and_a_record_page_and_asks_once(
    live_server: Any, settings: Any, users: dict[str, Any], customer: Any, clerk: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    hits = [
        file_pdf(
            customer, actor=clerk, title=f"碎纸机维修合同{n}", lines=[f"碎纸机维修合同 第{n}份"]
        )
        for n in ("一", "二")
    ]
    minutes = make_record(customer, actor=clerk, title="纸质会议纪要")
    found = record_search(user=staff, text="碎纸机", filters=SearchFilters(), limit=20)
    assert {hit.record_id for hit in found.results.hits} == {r.pk for r in hits}
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            page = browser.new_context(locale="zh-CN").new_page()
            page.set_default_timeout(TIMEOUT_MS)
            sign_in(page, base, staff.username)
            page.goto(base + reverse("archive:search") + "?q=碎纸机")
            for record in hits:
                row = page.locator("tr.search-hit", has_text=record.reference).first
                row.get_by_role("button", name="加入借阅车").click()
                page.wait_for_url(re.compile(r"/admin/archive/search/\?q="))
                row = page.locator("tr.search-hit", has_text=record.reference).first
                expect(row.get_by_role("button", name="已在借阅车中")).to_be_disabled()

            page.goto(base + reverse("archive:record", args=[minutes.pk]))
            page.get_by_role("button", name="加入借阅车").click()
            page.wait_for_url(_path_is(reverse("archive:record", args=[minutes.pk])))
            expect(page.get_by_text(f"{minutes.reference} 已加入借阅车。")).to_be_visible()

            page.goto(base + reverse("lending:cart"))
            expect(page.locator("tr.cart-item")).to_have_count(3)
            for record in [*hits, minutes]:
                expect(page.locator("table.borrowing-cart")).to_contain_text(record.title)
            page.select_option("#id_kind", "paper")
            page.fill("#id_purpose", "外审前核对维修记录")
            page.screenshot(path=str(ARTIFACTS / "zh-borrowing-cart.png"), full_page=True)
            page.get_by_role("button", name="申请借阅这 3 份文件").click()
            page.wait_for_url(re.compile(r"/admin/loans/\d+/$"))
            number = re.search(r"LN-\d{4}-\d{4}", page.locator("h1#header-title").inner_text())
            assert number is not None

            page.goto(base + reverse("lending:mine"))
            row = page.locator("table.loans tr", has_text=number.group(0)).first
            for record in [*hits, minutes]:
                expect(row).to_contain_text(record.reference)
            expect(row).to_contain_text("外审前核对维修记录")
            page.screenshot(path=str(ARTIFACTS / "zh-borrowing-cart-my-loans.png"), full_page=True)
        finally:
            browser.close()
