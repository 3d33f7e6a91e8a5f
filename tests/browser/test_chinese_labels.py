"""The audit trail and a record's history in Chromium, in Chinese: labels, not codes (issue 15).

An auditor reads who viewed and searched what (查看文件, 全文检索 with the words searched, the
clerk as 张伟); the clerk reads what changed on a record (文件类型: 其他 → 投诉处理记录).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect, sync_playwright

from records_dms.accounts import roles
from records_dms.archive.searching import record_search
from records_dms.archive.services import record_update
from tests.browser.test_clerk_journey import ARTIFACTS, PASSWORD, TIMEOUT_MS, _launch, _path_is
from tests.factories import make_record


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(base + reverse("wagtailadmin_login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(_path_is(reverse("wagtailadmin_home")))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_audit_trail_and_the_record_history_speak_chinese(
    live_server: Any, settings: Any, users: dict[str, Any], customer: Any, clerk: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    clerk.first_name, clerk.last_name = "伟", "张"
    clerk.save()
    record = make_record(customer, actor=clerk, type="other", title="客户来函")
    record_update(record=record, actor=clerk, reason="更正类型", type="complaint_handling")
    record_search(user=clerk, text="维修合同")
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            page = browser.new_context(locale="zh-CN").new_page()
            page.set_default_timeout(TIMEOUT_MS)
            sign_in(page, live_server.url, clerk.username)
            page.goto(live_server.url + reverse("archive:record", args=[record.pk]))
            history = page.locator("table.record-history")
            expect(history).to_contain_text("文件类型")
            expect(history).to_contain_text("其他")
            expect(history).to_contain_text("投诉处理记录")
            expect(history).to_contain_text("张伟")
            expect(history).not_to_contain_text("complaint_handling")
            history.scroll_into_view_if_needed()
            page.screenshot(path=str(Path(ARTIFACTS) / "zh-record-history.png"))

            page = browser.new_context(locale="zh-CN").new_page()
            page.set_default_timeout(TIMEOUT_MS)
            sign_in(page, live_server.url, users[roles.AUDITOR].username)
            page.goto(live_server.url + reverse("audit:audit"))
            trail = page.locator("table.audit-trail")
            expect(trail).to_contain_text("查看文件")
            expect(trail).to_contain_text("全文检索")
            expect(trail).to_contain_text("“维修合同”")
            expect(trail).to_contain_text("修改文件元数据")
            expect(trail).to_contain_text("张伟")
            expect(trail).to_contain_text("系统")  # events of no user (a task, a migration)
            for code in ("record.viewed", "search.performed", "record.updated"):
                expect(trail).not_to_contain_text(code)
            page.screenshot(path=str(Path(ARTIFACTS) / "zh-audit-trail.png"), full_page=True)
        finally:
            browser.close()
