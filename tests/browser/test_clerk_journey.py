"""A records clerk logs in, opens a customer's dossier from the list and reads it in Chinese."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from records_dms.archive.models import ComplaintChannel, Severity
from records_dms.archive.services import complaint_open, volume_create
from tests.factories import file_pdf

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
TIMEOUT_MS = 10_000
VIEWPORT_WIDTH = 1280
PASSWORD = "correct horse battery"  # what UserFactory sets
# An English browser: the screens follow the archive's language (DMS_LANGUAGE), not the browser's.
BROWSER_LOCALE = "en-US"


def _launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def _path_is(path: str) -> Any:
    return lambda url: urlsplit(url).path == path


def _catalogue_references(page: Page, volume_heading: str) -> list[str]:
    """File reference numbers listed under one volume heading, top to bottom."""
    heading = page.locator("h3.volume-title", has_text=volume_heading)
    expect(heading).to_have_count(1)
    table = heading.locator("xpath=following-sibling::table[contains(@class, 'catalogue')][1]")
    cells = table.locator("tbody tr td:nth-child(2)")
    return [text.strip() for text in cells.all_inner_texts()]


def _screenshot_whole_dossier(page: Page, path: Path) -> None:
    # Wagtail scrolls inside <main>, so a full-page shot stops at the viewport; grow it first.
    height = page.locator("main#main").evaluate("main => main.scrollHeight")
    page.set_viewport_size({"width": VIEWPORT_WIDTH, "height": int(height) + 40})
    page.screenshot(path=str(path), full_page=True)


@pytest.mark.browser
# live_server answers from another thread, which sees only committed data.
@pytest.mark.django_db(transaction=True)
def test_clerk_reads_dossier_catalogue_and_registers_in_chinese(
    live_server: Any, settings: Any, clerk: Any, customer: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"

    # A volume with two records filed out of date order, and a major complaint with its record.
    volume = volume_create(customer=customer, title="2024年度顾客投诉", actor=clerk)
    june = file_pdf(
        customer,
        actor=clerk,
        volume=volume,
        title="六月投诉登记",
        document_date=datetime.date(2024, 6, 10),
    )
    march = file_pdf(
        customer,
        actor=clerk,
        volume=volume,
        title="三月投诉登记",
        document_date=datetime.date(2024, 3, 2),
    )
    case = complaint_open(
        customer=customer,
        channel=ComplaintChannel.FORWARDED_PHONE,
        subject="主轴异响",
        opened_on=datetime.date(2024, 5, 6),
        actor=clerk,
        severity=Severity.MAJOR,
    )
    major = file_pdf(customer, actor=clerk, complaint=case, title="重大投诉登记")

    # Everything the browser checks is read from the database now, before Playwright runs
    # its event loop in this thread (Django refuses ORM calls under a running loop).
    case.refresh_from_db()
    major.refresh_from_db()
    major_volume = case.volume
    assert major_volume is not None
    assert major.volume_id == major_volume.pk
    assert major_volume.title.startswith(f"重大投诉 {case.number}")
    assert june.reference == f"{customer.code}-TS-2024-0001"
    assert march.reference == f"{customer.code}-TS-2024-0002"
    volume_heading = f"第 {volume.number} 卷:{volume.title}"
    major_heading = f"第 {major_volume.number} 卷:{major_volume.title}"
    dossier_path = reverse("archive:dossier", args=[customer.pk])
    login_path = reverse("wagtailadmin_login")
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            # A browser without a session is sent to the login form.
            anonymous = browser.new_context(locale=BROWSER_LOCALE)
            page = anonymous.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(live_server.url + dossier_path)
            assert urlsplit(page.url).path == login_path
            assert dossier_path in urlsplit(page.url).query
            expect(page.locator("#id_username")).to_be_visible()
            anonymous.close()

            # The clerk logs in through the form and opens the dossier from the customer list.
            context = browser.new_context(
                locale=BROWSER_LOCALE, viewport={"width": VIEWPORT_WIDTH, "height": 900}
            )
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            # Every page, script, style and icon the app itself serves must load.
            broken: list[str] = []
            page.on(
                "response",
                lambda r: (
                    broken.append(f"{r.status} {r.url}")
                    if r.status >= 400 and r.url.startswith(live_server.url)
                    else None
                ),
            )
            page.goto(live_server.url + login_path)
            page.fill("#id_username", clerk.username)
            page.fill("#id_password", PASSWORD)
            page.locator("form button[type=submit]").first.click()
            page.wait_for_url(_path_is(reverse("wagtailadmin_home")))

            page.goto(live_server.url + reverse("customers:index"))
            page.get_by_role("link", name=customer.code, exact=True).click()
            page.wait_for_url(_path_is(dossier_path))

            expect(page.locator("h1#header-title")).to_contain_text(customer.name)
            expect(page.locator("h2#catalogue")).to_have_text("卷内目录")

            # Within a volume the catalogue runs by document date, not by filing order.
            assert _catalogue_references(page, volume_heading) == [
                march.reference,
                june.reference,
            ]
            # The major complaint has a volume of its own, holding its record.
            assert _catalogue_references(page, major_heading) == [major.reference]

            # Forwarded and directly received complaints are kept in two registers.
            expect(page.locator("h2#register-forwarded")).to_have_text("公司转呈投诉")
            expect(page.locator("h2#register-direct")).to_have_text("直接受理投诉")
            row = page.locator("table[data-register=forwarded] tbody tr", has_text=case.number)
            expect(row.locator("td").nth(6)).to_have_text(str(major_volume.number))

            _screenshot_whole_dossier(page, ARTIFACTS / "clerk-dossier.png")
            assert broken == []
            context.close()
        finally:
            browser.close()
