"""Access on screen, the audit trail and the search page's layout, in Chinese in Chromium: a clerk
grants a staff member a new customer, the staff member then sees it; an auditor filters the
trail to that grant and exports it; the search dates sit side by side with their labels and
the due list's filters fit one row."""

from __future__ import annotations

import csv
import io
import itertools
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, FloatRect, Page, expect, sync_playwright

from records_dms.accounts import roles
from records_dms.audit import events
from tests.browser.test_clerk_journey import (
    ARTIFACTS,
    BROWSER_LOCALE,
    PASSWORD,
    TIMEOUT_MS,
    VIEWPORT_WIDTH,
    _launch,
    _path_is,
    _screenshot_whole_dossier,
)
from tests.factories import CustomerFactory


def _sign_in(browser: Browser, base: str, username: str) -> Page:
    context = browser.new_context(
        locale=BROWSER_LOCALE,
        accept_downloads=True,
        viewport={"width": VIEWPORT_WIDTH, "height": 900},
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(base + reverse("wagtailadmin_login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(_path_is(reverse("wagtailadmin_home")))
    return page


def _same_row(boxes: list[FloatRect]) -> bool:
    """Every box overlaps the first one vertically: one line on the screen."""
    first = boxes[0]
    return all(
        box["y"] < first["y"] + first["height"] and first["y"] < box["y"] + box["height"]
        for box in boxes
    )


def _boxes(page: Page, selector: str) -> list[FloatRect]:
    found = []
    for handle in page.locator(selector).all():
        box = handle.bounding_box()
        assert box is not None, selector
        found.append(box)
    return found


def _grant_on_screen(page: Page, base: str, new: Any, staff: Any) -> None:
    page.goto(base + reverse("archive:dossier", args=[new.pk]))
    expect(page.locator(".dossier-access")).to_contain_text("目前没有员工能看到此客户档案")
    page.locator("a.grant-access").click()
    page.wait_for_url(_path_is(reverse("access:customer", args=[new.pk])))
    expect(page.locator(".w-breadcrumbs")).to_contain_text("客户档案的访问授权")
    page.locator("form.grant-form select[name=user]").select_option(str(staff.pk))
    page.locator("form.grant-form button[type=submit]").click()
    expect(page.locator("table.customer-grants tr[data-user=staff]")).to_have_count(1)
    expect(page.get_by_text(f"已授权访问 {new.code}")).to_be_visible()
    _screenshot_whole_dossier(page, ARTIFACTS / "access-grant-clerk.png")


def _due_list_fits(page: Page, base: str) -> None:
    page.set_viewport_size({"width": VIEWPORT_WIDTH, "height": 900})
    page.goto(base + reverse("retention:queue"))
    controls = _boxes(
        page, "form.retention-filters .retention-filter, form.retention-filters button"
    )
    assert len(controls) == 5 and _same_row(controls), controls
    # Side by side without overlapping, and all inside the form's width.
    for left, right in itertools.pairwise(controls):
        assert left["x"] + left["width"] <= right["x"] + 0.5, (left, right)
    form = _boxes(page, "form.retention-filters")[0]
    assert controls[-1]["x"] + controls[-1]["width"] <= form["x"] + form["width"] + 0.5
    page.screenshot(path=str(ARTIFACTS / "due-list-filters.png"))


def _trail_filtered_and_exported(page: Page, base: str, new: Any) -> None:
    page.goto(base + reverse("audit:audit"))
    page.locator("form.audit-filters select[name=action]").select_option(events.GRANT_CREATED)
    page.locator("form.audit-filters select[name=customer_code]").select_option(new.code)
    page.locator("form.audit-filters button[type=submit]").click()
    page.wait_for_url(lambda url: "action=grant.created" in url)
    rows = page.locator("table.audit-trail tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("clerk")
    page.screenshot(path=str(ARTIFACTS / "audit-trail-filtered.png"))
    with page.expect_download() as download_info:
        page.locator("a.audit-export-csv").click()
    download = download_info.value
    assert download.suggested_filename == "audit-trail.csv"
    text = download.path().read_bytes().decode("utf-8-sig")
    exported = list(csv.reader(io.StringIO(text)))
    assert len(exported) == 2 and exported[1][4] == events.GRANT_CREATED
    assert exported[1][6] == new.code and exported[1][2] == "clerk"


def _search_layout(page: Page, base: str) -> None:
    page.goto(base + reverse("archive:search"))
    expect(page.locator(".w-breadcrumbs li").last).to_contain_text("搜索")
    date_from, date_to = _boxes(page, "#search-date-from"), _boxes(page, "#search-date-to")
    label_from = _boxes(page, "label[for=search-date-from]")
    label_to = _boxes(page, "label[for=search-date-to]")
    # Side by side on one line, each labelled on its left, neither stretched full width.
    assert _same_row([*label_from, *date_from, *label_to, *date_to])
    assert label_from[0]["x"] < date_from[0]["x"] < label_to[0]["x"] < date_to[0]["x"]
    assert date_from[0]["width"] < VIEWPORT_WIDTH / 3 and date_to[0]["width"] < VIEWPORT_WIDTH / 3
    page.screenshot(path=str(ARTIFACTS / "search-layout.png"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_grant_on_screen_audit_export_and_search_layout_in_chinese(
    live_server: Any, settings: Any, users: dict[str, Any]
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    new = CustomerFactory.create(code="KH-0900", name="新开户客户有限公司")
    staff = users[roles.STAFF]
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            clerk = _sign_in(browser, base, users[roles.CLERK].username)
            _grant_on_screen(clerk, base, new, staff)
            _due_list_fits(clerk, base)

            staff_page = _sign_in(browser, base, staff.username)
            staff_page.goto(base + reverse("customers:index"))
            expect(staff_page.get_by_role("link", name=new.code)).to_be_visible()
            staff_page.get_by_role("link", name=new.code).click()
            expect(staff_page.locator("main")).to_contain_text(new.name)
            staff_page.screenshot(path=str(ARTIFACTS / "access-staff-sees-customer.png"))

            auditor = _sign_in(browser, base, users[roles.AUDITOR].username)
            _trail_filtered_and_exported(auditor, base, new)
            _search_layout(auditor, base)
        finally:
            browser.close()
