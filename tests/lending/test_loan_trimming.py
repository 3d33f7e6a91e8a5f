"""A loan list shows only the records its viewer may see; the others are a count, never a
reference or title (issue 14, Leaks)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.cli.main import main
from records_dms.lending.models import Loan
from records_dms.lending.services import loan_approve, loan_request
from tests.conftest import client_for
from tests.factories import UserFactory, make_record

SECRET_TITLE = "并购谈判纪要(绝密)"


@pytest.fixture
def mixed_loan(users: dict[str, Any], customer: Any, clerk: Any) -> tuple[Loan, Any, Any]:
    plain = make_record(customer, title="例会纪要", actor=clerk)
    secret = make_record(customer, title=SECRET_TITLE, confidentiality="secret", actor=clerk)
    loan = loan_request(
        actor=users[roles.AUDITOR], items=[(plain, "paper"), (secret, "paper")], purpose="审核"
    )
    loan_approve(loan=loan, actor=users[roles.COMPLIANCE])
    return loan, plain, secret


@pytest.fixture
def low_clerk(db: None) -> Any:
    return UserFactory.create(username="clerk2", role=roles.CLERK, clearance="confidential")


@pytest.mark.django_db
def test_the_loan_screens_hide_records_above_the_clerks_clearance(
    mixed_loan: tuple[Loan, Any, Any], low_clerk: Any
) -> None:
    loan, plain, secret = mixed_loan
    client = client_for(low_clerk)
    for url in (reverse("lending:loans"), reverse("lending:loan", args=[loan.pk])):
        html = client.get(url).content.decode()
        assert plain.reference in html, url
        assert secret.reference not in html and SECRET_TITLE not in html, url
        assert "1 record you cannot see" in html, url


@pytest.mark.django_db
def test_the_loan_api_hides_records_above_the_clerks_clearance(
    mixed_loan: tuple[Loan, Any, Any], low_clerk: Any
) -> None:
    loan, plain, secret = mixed_loan
    client = client_for(low_clerk)
    listing = client.get(reverse("api:loan-list")).content.decode()
    detail = client.get(reverse("api:loan-detail", args=[loan.pk])).json()
    assert secret.reference not in listing and SECRET_TITLE not in listing
    assert [i["reference"] for i in detail["items"]] == [plain.reference]
    assert detail["hidden_items"] == 1


@pytest.mark.django_db
def test_a_cleared_viewer_sees_every_item(mixed_loan: tuple[Loan, Any, Any], clerk: Any) -> None:
    loan, plain, secret = mixed_loan
    detail = client_for(clerk).get(reverse("api:loan-detail", args=[loan.pk])).json()
    assert [i["reference"] for i in detail["items"]] == [plain.reference, secret.reference]
    assert detail["hidden_items"] == 0
    html = client_for(clerk).get(reverse("lending:loans")).content.decode()
    assert secret.reference in html and "cannot see" not in html


@pytest.mark.django_db
def test_the_checkout_desk_and_the_chinese_screens_hide_them_too(
    mixed_loan: tuple[Loan, Any, Any], low_clerk: Any, settings: Any
) -> None:
    loan, plain, secret = mixed_loan
    client = client_for(low_clerk)
    desk = client.get(reverse("lending:checkout", args=[loan.pk])).content.decode()
    assert plain.reference in desk
    assert secret.reference not in desk and SECRET_TITLE not in desk
    assert "1 record you cannot see" in desk
    settings.LANGUAGE_CODE = "zh-hans"
    page = client.get(reverse("lending:loan", args=[loan.pk])).content.decode()
    assert "另有 1 份您无权查看的文件" in page and secret.reference not in page


@pytest.mark.django_db
def test_dms_loan_show_hides_records_above_the_callers_clearance(
    mixed_loan: tuple[Loan, Any, Any], low_clerk: Any, capsys: Any
) -> None:
    loan, plain, secret = mixed_loan
    assert main(["loan", "show", loan.number, "--as", low_clerk.username, "--json"]) == 0
    out = capsys.readouterr().out
    assert secret.reference not in out and SECRET_TITLE not in out
    shown = json.loads(out)
    assert [i["reference"] for i in shown["items"]] == [plain.reference]
    assert shown["hidden_items"] == 1 and shown["purpose"] is None
    # Whoever may see it all is shown it all.
    assert main(["loan", "show", loan.number, "--as", "compliance", "--json"]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert {i["reference"] for i in whole["items"]} == {plain.reference, secret.reference}
