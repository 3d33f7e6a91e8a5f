"""The search screen, the dossier's search box, the API and the CLI, with and without permission."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.cli.main import main
from tests.conftest import client_for
from tests.factories import CustomerFactory, file_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(customer: Any, clerk: Any, django_capture_on_commit_callbacks: Any) -> dict[str, Any]:
    other = CustomerFactory.create(code="KH-0102")
    with django_capture_on_commit_callbacks(execute=True):
        mine = file_pdf(customer, actor=clerk, lines=["文件编号QMS-PM-31301,使用碎纸机销毁。"])
        theirs = file_pdf(other, actor=clerk, lines=["客户来电投诉,使用碎纸机销毁。"])
    return {"mine": mine, "theirs": theirs}


def test_auditor_searches_every_dossier_with_facets_and_a_link_to_the_page(
    filed: dict[str, Any], users: dict[str, Any]
) -> None:
    response = client_for(users[roles.AUDITOR]).get(reverse("archive:search"), {"q": "碎纸机"})
    assert response.status_code == 200
    html = response.content.decode()
    record_url = reverse("archive:record", args=[filed["mine"].pk])
    # The hit opens its page with the query (to mark its words there).
    assert f'href="{record_url}?q=%E7%A2%8E%E7%BA%B8%E6%9C%BA#page-1"' in html
    assert "<mark>碎纸机</mark>" in html
    assert "KH-0102" in html and "(1)" in html  # the customer facet


def test_a_code_is_found_as_typed_in_any_case(filed: dict[str, Any], users: dict[str, Any]) -> None:
    response = client_for(users[roles.AUDITOR]).get(
        reverse("archive:search"), {"q": "qms-pm-31301"}
    )
    assert filed["mine"].reference in response.content.decode()
    assert filed["theirs"].reference not in response.content.decode()


def test_the_dossier_search_box_is_scoped_to_that_customer(
    filed: dict[str, Any], customer: Any, users: dict[str, Any]
) -> None:
    client = client_for(users[roles.AUDITOR])
    dossier = client.get(reverse("archive:dossier", args=[customer.pk])).content.decode()
    assert 'name="customer" value="KH-0101"' in dossier
    html = client.get(
        reverse("archive:search"), {"q": "碎纸机", "customer": "KH-0101"}
    ).content.decode()
    assert filed["mine"].reference in html
    assert filed["theirs"].reference not in html


def test_staff_without_a_grant_get_no_hits_and_administrators_no_search(
    filed: dict[str, Any], customer: Any, users: dict[str, Any]
) -> None:
    staff = client_for(users[roles.STAFF])
    html = staff.get(reverse("archive:search"), {"q": "碎纸机"}).content.decode()
    assert filed["mine"].reference not in html and filed["theirs"].reference not in html
    assert "KH-0102" not in html  # not even in a facet
    grant_create(user=users[roles.STAFF], customer=customer, actor=users[roles.ADMINISTRATOR])
    html = (
        client_for(users[roles.STAFF])
        .get(reverse("archive:search"), {"q": "碎纸机"})
        .content.decode()
    )
    assert filed["mine"].reference in html and filed["theirs"].reference not in html
    admin = client_for(users[roles.ADMINISTRATOR])
    assert admin.get(reverse("archive:search"), {"q": "碎纸机"}).status_code in (302, 403)
    assert admin.get(reverse("api:search"), {"q": "碎纸机"}).status_code == 403


def test_api_search_returns_hits_counts_and_facets_within_the_grant(
    filed: dict[str, Any], customer: Any, users: dict[str, Any]
) -> None:
    grant_create(user=users[roles.STAFF], customer=customer, actor=users[roles.ADMINISTRATOR])
    body = client_for(users[roles.STAFF]).get(reverse("api:search"), {"q": "碎纸机"}).json()
    assert body["count"] == 1
    assert body["facets"]["customer"] == {"KH-0101": 1}
    [hit] = body["results"]
    assert (hit["reference"], hit["page"]) == (filed["mine"].reference, 1)
    assert "<mark>碎纸机</mark>" in hit["snippet"]
    bad = client_for(users[roles.STAFF]).get(reverse("api:search"), {"q": "x", "limit": "0"})
    assert bad.status_code == 400
    assert client_for(None).get(reverse("api:search"), {"q": "碎纸机"}).status_code in (401, 403)


def test_cli_search_as_a_user_and_reindex(
    filed: dict[str, Any], users: dict[str, Any], capsys: Any
) -> None:
    assert main(["search", "碎纸机", "--json", "--as", "auditor"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert {h["reference"] for h in hits} == {filed["mine"].reference, filed["theirs"].reference}
    assert set(hits[0]) == {"reference", "customer", "type", "title", "page", "score", "snippet"}
    assert main(["search", "碎纸机", "--json", "--as", "staff"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["search", "碎纸机", "--json", "--customer", "kh-0102"]) == 0
    assert [h["reference"] for h in json.loads(capsys.readouterr().out)] == [
        filed["theirs"].reference
    ]
    assert main(["reindex", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"pages": 2}
