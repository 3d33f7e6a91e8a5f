"""Each role's dashboard in Chinese, with its charts drawn; the auditor's path to a catalogue."""

from __future__ import annotations

import io
import re
from typing import Any

import pdfplumber
import pytest
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright
from wagtail.users.models import UserProfile

from records_dms.accounts import roles
from tests.browser.test_clerk_journey import (
    ARTIFACTS,
    BROWSER_LOCALE,
    PASSWORD,
    TIMEOUT_MS,
    _launch,
    _path_is,
    _screenshot_whole_dossier,
)
from tests.reports.data import generate

# role -> (panel titles in Chinese, minimum bars, minimum line points)
DASHBOARDS = {
    roles.CLERK: (["入库队列与失败"], 1, 0),
    roles.AUDITOR: (
        ["投诉渠道分布", "投诉严重程度分布", "结案时长", "客户满意度", "文件归档"],
        3,
        2,
    ),
    roles.COMPLIANCE: (["文件与档案管控"], 1, 0),
}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_each_role_dashboard_in_chinese_with_charts(
    live_server: Any, settings: Any, users: dict[str, Any], clerk: Any
) -> None:
    world = generate(clerk, customers=3, cases=16)
    customer = world.customers[0]
    for role in DASHBOARDS:
        profile = UserProfile.get_for_user(users[role])
        profile.preferred_language = "zh-hans"
        profile.save()
    home = reverse("wagtailadmin_home")
    dossier_path = reverse("archive:dossier", args=[customer.pk])
    register_path = reverse("reports:complaints")
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            for role, (titles, min_bars, min_points) in DASHBOARDS.items():
                context = browser.new_context(locale=BROWSER_LOCALE)
                page = context.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                page.goto(live_server.url + reverse("wagtailadmin_login"))
                page.fill("#id_username", users[role].username)
                page.fill("#id_password", PASSWORD)
                page.locator("form button[type=submit]").first.click()
                page.wait_for_url(_path_is(home))

                for title in titles:
                    expect(page.locator("section.dms-panel h2", has_text=title)).to_have_count(1)
                charts = page.locator("section.dms-panel svg.dms-chart")
                assert charts.count() >= 1
                # Drawn: bars and points have a real size on the page, not just markup.
                bars = page.locator("svg.dms-chart rect.bar")
                assert bars.count() >= min_bars
                box = bars.first.bounding_box()
                assert box is not None and box["height"] > 0 and box["width"] > 0
                assert page.locator("svg.dms-chart circle.point").count() >= min_points
                if min_points:
                    expect(page.locator("svg.dms-chart polyline.line").first).to_be_visible()
                # The table fallback holds the same figures.
                assert page.locator("details.dms-table-fallback table").count() >= len(titles)
                _screenshot_whole_dossier(page, ARTIFACTS / f"dashboard-{role.split()[-1]}.png")

                if role == roles.AUDITOR:
                    # From this year's complaints by channel into the register ...
                    panel = page.locator("section#panel-complaints_by_channel")
                    panel.get_by_role("link", name="投诉台账").click()
                    page.wait_for_url(_path_is(register_path))
                    expect(page.locator("h2#register-forwarded")).to_contain_text("公司转呈投诉")
                    expect(page.locator("h2#register-direct")).to_contain_text("直接受理投诉")
                    # ... and a customer's catalogue downloaded as PDF.
                    page.goto(live_server.url + dossier_path)
                    with page.expect_download() as download_info:
                        page.locator("a.catalogue-pdf").click()
                    download = download_info.value
                    assert re.fullmatch(
                        rf"catalogue-{customer.code}\.pdf", download.suggested_filename
                    )
                    path = download.path()
                    with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
                        text = "".join(p.extract_text() or "" for p in pdf.pages)
                    assert "客户档案目录" in text and customer.code in text
                context.close()
        finally:
            browser.close()
