"""Handover (移交) at the clerk's screen: two paper originals pass from one clerk to another;
both draw their signatures with the mouse on the two pads of one page, and the register then
shows both signatures."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright

from records_dms.accounts import roles
from records_dms.fixity.verify import verify_all
from records_dms.lending.models import Custody, HandSignature, RegisterEntry
from records_dms.lending.signatures import signature_bytes
from tests.browser.test_clerk_journey import ARTIFACTS, BROWSER_LOCALE, _launch, _path_is
from tests.browser.test_lending import _login
from tests.factories import UserFactory, make_record

GIVER_STROKES = [
    [(30, 110), (60, 40), (90, 120), (120, 50), (150, 110)],
    [(190, 70), (250, 70), (220, 70), (220, 150)],
]
TAKER_STROKES = [
    [(40, 60), (100, 140), (160, 60), (220, 140)],
    [(260, 100), (320, 40), (380, 120), (440, 70)],
]


def _sign(page: Page, pad: str, strokes: list[list[tuple[int, int]]]) -> None:
    canvas = page.locator(pad)
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    for stroke in strokes:
        x, y = stroke[0]
        page.mouse.move(box["x"] + x, box["y"] + y)
        page.mouse.down()
        for x, y in stroke[1:]:
            page.mouse.move(box["x"] + x, box["y"] + y, steps=4)
        page.mouse.up()


def _ink(png: bytes) -> int:
    with Image.open(io.BytesIO(png)) as image:
        alpha = image.convert("RGBA").getchannel("A").point(lambda a: 255 if a > 128 else 0)
        return alpha.histogram()[255]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_both_parties_sign_the_handover_on_one_screen(
    live_server: Any, users: Any, customer: Any, clerk: Any
) -> None:
    taker = UserFactory.create(username="clerk2", role=roles.CLERK, clearance="secret")
    originals = [make_record(customer, type="complaint", title=f"投诉案卷{i}") for i in (1, 2)]
    references = "\n".join(r.reference for r in originals)
    base = live_server.url
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            context = browser.new_context(
                locale=BROWSER_LOCALE, viewport={"width": 1400, "height": 1000}
            )
            page = _login(context, base, clerk.username)
            page.goto(base + reverse("lending:handover"))
            page.fill("#id_references", references)
            expect(page.locator("#id_from_user")).to_have_value(str(clerk.pk))
            page.select_option("#id_to_user", str(taker.pk))
            page.fill("#id_from_department", "档案室")
            page.fill("#id_department", "质量部")
            # Only the giver signs: refused, the taker's pad is named.
            _sign(page, "#signature-pad-from", GIVER_STROKES)
            page.locator("#handover-form button[type=submit]").click()
            taker_pad = page.locator(".signature-pad[data-pad=signature-pad-to]")
            expect(taker_pad.locator(".help-critical")).to_contain_text("sign")
            # The form kept what was typed; both sign now.
            expect(page.locator("#id_department")).to_have_value("质量部")
            _sign(page, "#signature-pad-from", GIVER_STROKES)
            _sign(page, "#signature-pad-to", TAKER_STROKES)
            page.screenshot(path=str(ARTIFACTS / "lending-handover.png"), full_page=True)
            page.locator("#handover-form button[type=submit]").click()
            page.wait_for_url(_path_is(reverse("lending:register")))

            row = page.locator("table.register-entries tr[data-event=handover]")
            expect(row).to_have_count(1)
            expect(row.locator(".entry-details")).to_contain_text("质量部")
            for role, signer in (("handover_from", "clerk"), ("handover_to", "clerk2")):
                figure = row.locator(f"figure.hand-signature[data-role={role}]")
                expect(figure).to_have_attribute("data-signer", signer)
                loaded = figure.locator("img").evaluate(
                    "img => img.complete && img.naturalWidth > 0"
                )
                assert loaded, role
            page.screenshot(path=str(ARTIFACTS / "lending-handover-register.png"), full_page=True)
            # The handover page lists who holds the originals now.
            page.goto(base + reverse("lending:handover"))
            for record in originals:
                held = page.locator(f"table.custody tr[data-reference='{record.reference}']")
                expect(held).to_contain_text("质量部")
            context.close()
        finally:
            browser.close()

    assert set(Custody.objects.values_list("holder__username", flat=True)) == {"clerk2"}
    entry = RegisterEntry.objects.get(event="handover")
    assert entry.data["references"] == [r.reference for r in originals]
    assert entry.data["from_department"] == "档案室"
    signatures = {s.role: s for s in HandSignature.objects.all()}
    assert signatures["handover_from"].signer == clerk
    assert signatures["handover_to"].signer == taker
    for signature in signatures.values():
        png = signature_bytes(signature)
        assert png is not None and _ink(png) > 200  # drawn strokes, not a dot
    assert signatures["handover_from"].sha256 != signatures["handover_to"].sha256
    findings, counts = verify_all()
    assert findings == [] and counts["register_entries"] == 1
