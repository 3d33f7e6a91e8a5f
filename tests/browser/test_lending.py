"""A staff member borrows a paper dossier: requests it, a clerk approves, the staff member signs
on the clerk's screen with the mouse, the clerk takes it back and signs; the register shows
both signatures and `dms verify` finds nothing wrong."""

from __future__ import annotations

import io
import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.fixity.verify import verify_all
from records_dms.lending.models import HandSignature, Loan, LoanState, RegisterEntry
from records_dms.lending.signatures import signature_bytes
from tests.browser.test_clerk_journey import (
    ARTIFACTS,
    BROWSER_LOCALE,
    PASSWORD,
    TIMEOUT_MS,
    _launch,
    _path_is,
)
from tests.factories import make_record


def _login(context: BrowserContext, base: str, username: str) -> Page:
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    page.goto(base + reverse("wagtailadmin_login"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(_path_is(reverse("wagtailadmin_home")))
    return page


def _sign(page: Page, strokes: list[list[tuple[int, int]]]) -> None:
    """Draw on the signature pad with the mouse, stroke by stroke."""
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    for stroke in strokes:
        x, y = stroke[0]
        page.mouse.move(box["x"] + x, box["y"] + y)
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x, box["y"] + y, steps=4)
        page.mouse.up()


BORROWER_STROKES = [
    [(40, 120), (70, 40), (100, 130), (130, 50), (160, 120)],
    [(200, 60), (260, 60), (230, 60), (230, 140)],
    [(300, 100), (340, 70), (380, 110), (420, 80)],
]
RECEIVER_STROKES = [
    [(50, 90), (120, 40), (180, 140), (240, 60)],
    [(280, 120), (330, 50), (380, 130)],
]


def _ink(png: bytes) -> int:
    with Image.open(io.BytesIO(png)) as image:
        alpha = image.convert("RGBA").getchannel("A").point(lambda a: 255 if a > 128 else 0)
        return alpha.histogram()[255]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_borrows_signs_on_the_pad_and_the_clerk_takes_it_back(
    live_server: Any, settings: Any, users: Any, customer: Any, clerk: Any
) -> None:
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    dossier = make_record(customer, type="complaint", title="重大投诉案卷(纸质原件)")
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            staff_context = browser.new_context(locale=BROWSER_LOCALE)
            clerk_context = browser.new_context(
                locale=BROWSER_LOCALE, viewport={"width": 1280, "height": 1000}
            )
            # The staff member asks for the paper original.
            mine = _login(staff_context, base, staff.username)
            mine.goto(base + reverse("lending:request"))
            mine.fill("#id_references", dossier.reference)
            mine.select_option("#id_kind", "paper")
            mine.fill("#id_purpose", "外审前核对投诉处理过程")
            mine.locator("form.lending-form button[type=submit]").click()
            # (No ORM inside Playwright's event loop: the loan is read off the page.)
            mine.wait_for_url(re.compile(r"/admin/loans/\d+/$"))
            loan_pk = int(urlsplit(mine.url).path.rstrip("/").rsplit("/", 1)[1])
            title = re.search(r"LN-\d{4}-\d{4}", mine.locator("h1#header-title").inner_text())
            assert title is not None
            number = title.group(0)
            expect(mine.locator("dd.loan-state")).to_have_attribute("data-state", "requested")

            # The clerk approves it from the queue.
            desk = _login(clerk_context, base, clerk.username)
            desk.goto(base + reverse("lending:queue"))
            row = desk.locator("table.loan-queue tr", has_text=number)
            row.locator("button[value=approve]").click()
            desk.wait_for_url(_path_is(reverse("lending:queue")))
            expect(desk.locator("table.loan-queue")).not_to_contain_text(number)

            # At the desk, the borrower signs on the clerk's screen; an empty pad is refused.
            desk.goto(base + reverse("lending:loan", args=[loan_pk]))
            desk.get_by_role("link", name="Check out").click()
            desk.wait_for_url(_path_is(reverse("lending:checkout", args=[loan_pk])))
            desk.locator("#desk-form button[type=submit]").click()
            expect(desk.locator(".help-critical")).to_contain_text("sign")
            _sign(desk, BORROWER_STROKES)
            desk.screenshot(path=str(ARTIFACTS / "lending-checkout.png"))
            desk.locator("#desk-form button[type=submit]").click()
            desk.wait_for_url(_path_is(reverse("lending:loan", args=[loan_pk])))
            expect(desk.locator("dd.loan-state")).to_have_attribute("data-state", "checked_out")

            # The staff member sees it among the open loans.
            mine.goto(base + reverse("lending:mine"))
            expect(mine.locator("table.loans tr[data-state=checked_out]")).to_contain_text(number)

            # Back at the desk: the clerk notes the condition and signs as receiver.
            desk.goto(base + reverse("lending:return", args=[loan_pk]))
            desk.select_option("select[id^=id_condition_]", "complete")
            _sign(desk, RECEIVER_STROKES)
            desk.locator("#desk-form button[type=submit]").click()
            desk.wait_for_url(_path_is(reverse("lending:loan", args=[loan_pk])))
            expect(desk.locator("dd.loan-state")).to_have_attribute("data-state", "returned")

            # The register shows both hand signatures, as images that load.
            desk.goto(base + reverse("lending:register"))
            signed = desk.locator("figure.hand-signature")
            expect(signed).to_have_count(2)
            for role, signer in (("borrower", staff.username), ("receiver", clerk.username)):
                figure = desk.locator(f"figure.hand-signature[data-role={role}]")
                expect(figure).to_have_attribute("data-signer", signer)
                loaded = figure.locator("img").evaluate(
                    "img => img.complete && img.naturalWidth > 0"
                )
                assert loaded, role
            desk.screenshot(path=str(ARTIFACTS / "lending-register.png"), full_page=True)
            staff_context.close()
            clerk_context.close()
        finally:
            browser.close()

    loan = Loan.objects.get(pk=loan_pk)
    assert loan.number == number and loan.state == LoanState.RETURNED
    events = list(RegisterEntry.objects.filter(loan=loan).values_list("event", flat=True))
    assert events == ["requested", "approved", "checked_out", "returned"]
    signatures = {s.role: s for s in HandSignature.objects.all()}
    assert signatures["borrower"].signer == staff and signatures["receiver"].signer == clerk
    for signature in signatures.values():
        png = signature_bytes(signature)
        assert png is not None and _ink(png) > 200  # real strokes, not a dot
    findings, counts = verify_all()
    assert findings == [] and counts["register_entries"] == 4
