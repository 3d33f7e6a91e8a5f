"""The checkout register stays one signed chain, but a reader is shown only what it may see:
an entry about a record above its clearance, outside its grants or in a sealed dossier keeps
its number, time, event, people and loan number, never the record's reference, title or the
free text (purpose, reason, note) — page, CSV, PDF and CLI exports, loan lists and API
(issue 14, the hole left open)."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.archive.models import Customer
from records_dms.cli.main import main
from records_dms.lending.models import Loan, RegisterEntry
from records_dms.lending.services import loan_approve, loan_refuse, loan_request, reading_register
from tests.conftest import client_for
from tests.factories import UserFactory, make_record
from tests.lending.helpers import loan_out

SECRET_TITLE = "并购谈判纪要(绝密)"
SECRET_PURPOSE = "核对并购对价条款"
SECRET_REASON = "并购对价不得外借"
HIDDEN = "a record you cannot see"


@pytest.fixture
def register(
    users: dict[str, Any], customer: Any, clerk: Any, django_capture_on_commit_callbacks: Any
) -> dict[str, Any]:
    """A plain loan out, a secret loan approved, a refused secret request and a secret reading."""
    compliance, auditor = users[roles.COMPLIANCE], users[roles.AUDITOR]
    with django_capture_on_commit_callbacks(execute=True):  # indexed, so dms verify is clean
        plain = make_record(customer, title="例会纪要", actor=clerk)
        secret = make_record(customer, title=SECRET_TITLE, confidentiality="secret", actor=clerk)
    loan_out(plain, borrower=auditor, approver=compliance, clerk=clerk)
    secret_loan = loan_request(actor=auditor, items=[(secret, "paper")], purpose=SECRET_PURPOSE)
    loan_approve(loan=secret_loan, actor=compliance, note=SECRET_REASON)
    refused = loan_request(actor=auditor, items=[(secret, "paper")], purpose=SECRET_PURPOSE)
    loan_refuse(loan=refused, actor=compliance, reason=SECRET_REASON)
    reading_register(record=secret, reader=auditor, purpose=SECRET_PURPOSE, actor=clerk)
    return {"plain": plain, "secret": secret, "loans": [secret_loan, refused]}


@pytest.fixture
def low_clerk(db: None) -> Any:
    return UserFactory.create(username="clerk2", role=roles.CLERK, clearance="confidential")


def _secret_entries() -> int:
    """Entries about the secret record: its two loans' and the reading (no loan)."""
    entries = RegisterEntry.objects.select_related("loan")
    return sum(1 for e in entries if e.loan is None or e.loan.level == "secret")


def _assert_trimmed(text: str, register: dict[str, Any]) -> None:
    secret = register["secret"]
    for leak in (secret.reference, SECRET_TITLE, SECRET_PURPOSE, SECRET_REASON):
        assert leak not in text, leak
    assert register["plain"].reference in text
    for loan in register["loans"]:
        assert loan.number in text  # the entry stays, with its loan number


@pytest.mark.django_db
def test_the_register_page_trims_entries_about_records_above_the_readers_clearance(
    register: dict[str, Any], low_clerk: Any
) -> None:
    html = client_for(low_clerk).get(reverse("lending:register")).content.decode()
    _assert_trimmed(html, register)
    hidden = _secret_entries()
    assert html.count(HIDDEN) == hidden + 1  # each trimmed entry, and the count line
    assert f"{hidden} entries concern a record you cannot see" in html
    # Every entry is still listed, by number.
    assert html.count('<tr data-event="') == RegisterEntry.objects.count()


@pytest.mark.django_db
def test_a_reader_with_the_clearance_sees_the_whole_register(
    register: dict[str, Any], users: dict[str, Any]
) -> None:
    for role in (roles.CLERK, roles.COMPLIANCE, roles.AUDITOR):
        html = client_for(users[role]).get(reverse("lending:register")).content.decode()
        for shown in (register["secret"].reference, SECRET_PURPOSE, SECRET_REASON):
            assert shown in html, (role, shown)
        assert HIDDEN not in html, role


@pytest.mark.django_db
def test_a_sealed_dossier_is_trimmed_for_a_clerk_not_for_compliance(
    register: dict[str, Any], users: dict[str, Any]
) -> None:
    Customer.objects.filter(pk=register["plain"].customer_id).update(sealed=True)
    clerk = client_for(users[roles.CLERK]).get(reverse("lending:register")).content.decode()
    assert register["plain"].reference not in clerk and SECRET_PURPOSE not in clerk
    assert clerk.count(HIDDEN) == RegisterEntry.objects.count() + 1
    full = client_for(users[roles.COMPLIANCE]).get(reverse("lending:register")).content.decode()
    assert SECRET_PURPOSE in full and HIDDEN not in full


@pytest.mark.django_db
def test_the_csv_export_trims_and_counts(
    register: dict[str, Any], low_clerk: Any, users: dict[str, Any]
) -> None:
    url = reverse("lending:register_export") + "?format=csv"
    body = client_for(low_clerk).get(url).content.decode("utf-8-sig")
    _assert_trimmed(body, register)
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 1 + RegisterEntry.objects.count() + 1  # header, every entry, the count
    assert rows[-1][0] == "" and rows[-1][5].startswith(f"{_secret_entries()} entries concern")
    full = client_for(users[roles.AUDITOR]).get(url).content.decode("utf-8-sig")
    assert SECRET_PURPOSE in full and SECRET_REASON in full and HIDDEN not in full


@pytest.mark.django_db
def test_the_pdf_export_trims(register: dict[str, Any], low_clerk: Any, clerk: Any) -> None:
    def text_of(user: Any) -> str:
        data = client_for(user).get(reverse("lending:register_export")).content
        with pdfplumber.open(io.BytesIO(data)) as document:
            return "".join(page.extract_text() or "" for page in document.pages)

    low = text_of(low_clerk)
    assert register["secret"].reference not in low and register["plain"].reference in low
    assert "entries concern a record you cannot see" in low
    assert register["secret"].reference in text_of(clerk)


@pytest.mark.django_db
def test_the_cli_export_trims_for_its_user(
    register: dict[str, Any], low_clerk: Any, tmp_path: Path
) -> None:
    out = tmp_path / "register.csv"
    assert main(["loan", "register", str(out), "--as", "clerk2"]) == 0
    _assert_trimmed(out.read_text(encoding="utf-8-sig"), register)
    assert main(["loan", "register", str(out), "--as", "clerk"]) == 0
    assert SECRET_PURPOSE in out.read_text(encoding="utf-8-sig")


@pytest.mark.django_db
def test_the_chinese_register_says_it_in_chinese(
    register: dict[str, Any], low_clerk: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    html = client_for(low_clerk).get(reverse("lending:register")).content.decode()
    assert "无权查看的文件" in html and f"{_secret_entries()} 条登记涉及您无权查看的文件" in html
    assert SECRET_PURPOSE not in html


@pytest.mark.django_db
def test_loan_lists_page_and_api_hide_purpose_and_note_of_a_hidden_record(
    register: dict[str, Any], low_clerk: Any, clerk: Any
) -> None:
    secret_loan = register["loans"][0]
    low = client_for(low_clerk)
    for url in (reverse("lending:loans"), reverse("lending:loan", args=[secret_loan.pk])):
        html = low.get(url).content.decode()
        assert SECRET_PURPOSE not in html and SECRET_REASON not in html, url
        assert HIDDEN in html, url
    assert "审核准备" in low.get(reverse("lending:loans")).content.decode()  # the plain loan's
    detail = low.get(reverse("api:loan-detail", args=[secret_loan.pk])).json()
    assert detail["purpose"] is None and detail["hidden_items"] == 1
    assert SECRET_PURPOSE not in low.get(reverse("api:loan-list")).content.decode()
    full = client_for(clerk).get(reverse("api:loan-detail", args=[secret_loan.pk])).json()
    assert full["purpose"] == SECRET_PURPOSE
    page = client_for(clerk).get(reverse("lending:loan", args=[secret_loan.pk])).content.decode()
    assert SECRET_PURPOSE in page and SECRET_REASON in page


@pytest.mark.django_db
def test_trimmed_views_write_nothing_and_verify_still_passes(
    register: dict[str, Any], low_clerk: Any, tmp_path: Path
) -> None:
    before = list(RegisterEntry.objects.order_by("sequence").values_list("hash", "signature"))
    client = client_for(low_clerk)
    client.get(reverse("lending:register"))
    client.get(reverse("lending:register_export") + "?format=csv")
    assert main(["loan", "register", str(tmp_path / "r.csv"), "--as", "clerk2"]) == 0
    after = list(RegisterEntry.objects.order_by("sequence").values_list("hash", "signature"))
    assert after == before and Loan.objects.count() == 3
    assert main(["verify"]) == 0
