"""Every lending screen, for every role and for anonymous users: allowed or refused.

The URL list is read from the resolver, so a lending view added without an entry here fails.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.archive.models import Record
from records_dms.audit.models import AuditEvent
from records_dms.lending.cart import cart_add
from records_dms.lending.models import CartItem, Loan, LoanItem, RegisterEntry
from records_dms.lending.services import loan_approve, loan_request
from tests.conftest import client_for
from tests.factories import file_pdf, make_record
from tests.lending.helpers import loan_out, signature_png
from tests.web.test_role_matrix import refused

CLERK, AUDITOR, COMPLIANCE, STAFF, ADMIN = (
    roles.CLERK,
    roles.AUDITOR,
    roles.COMPLIANCE,
    roles.STAFF,
    roles.ADMINISTRATOR,
)
READERS = {CLERK, AUDITOR, COMPLIANCE, STAFF}
REGISTER_READERS = {CLERK, AUDITOR, COMPLIANCE}
ROLES = [CLERK, AUDITOR, COMPLIANCE, STAFF, ADMIN, "anonymous"]

# url name -> (roles allowed to GET it, key of the object in `world`)
EXPECTED_GET: dict[str, tuple[set[str], str]] = {
    "lending:loans": (REGISTER_READERS, ""),
    "lending:mine": (READERS, ""),
    "lending:request": (READERS, ""),
    "lending:queue": ({CLERK, COMPLIANCE}, ""),
    "lending:loan": (READERS, "requested"),  # staff: as its borrower
    "lending:decide": ({CLERK, COMPLIANCE}, "requested"),  # POST only: their GET is 405
    "lending:checkout": ({CLERK}, "approved"),
    "lending:return": ({CLERK}, "out"),
    "lending:copy": ({STAFF}, "copy"),  # only the borrower of the electronic copy
    "lending:register": (REGISTER_READERS, ""),
    "lending:register_export": (REGISTER_READERS, ""),
    "lending:signature": (REGISTER_READERS, "signature"),
    "lending:location": ({CLERK}, "record"),
    "lending:reading": ({CLERK}, ""),
    "lending:handover": ({CLERK}, ""),
    "lending:cart": (READERS, ""),
    "lending:cart_add": (READERS, "record"),  # POST only
    "lending:cart_remove": (READERS, "record"),  # POST only
    "lending:cart_empty": (READERS, ""),  # POST only
}
POST_ONLY = {"lending:decide", "lending:cart_add", "lending:cart_remove", "lending:cart_empty"}


def lending_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace == "lending:":
                names.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return names


def test_every_lending_url_has_an_expectation():
    assert lending_url_names() == set(EXPECTED_GET)


@pytest.fixture
def world(users, customer, clerk) -> dict[str, Any]:
    staff = users[STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    record = make_record(customer, title="待批纪要")
    requested = loan_request(actor=staff, items=[(record, "paper")], purpose="审核")
    approved = loan_request(
        actor=staff, items=[(make_record(customer, title="已批纪要"), "paper")], purpose="审核"
    )
    loan_approve(loan=approved, actor=clerk)
    out = loan_out(
        make_record(customer, title="借出纪要"), borrower=staff, approver=clerk, clerk=clerk
    )
    pdf = file_pdf(customer, actor=clerk)
    copy_loan = loan_out(pdf, borrower=staff, approver=clerk, clerk=clerk, kind="electronic")
    return {
        "requested": requested.pk,
        "approved": approved.pk,
        "out": out.pk,
        "copy": LoanItem.objects.get(loan=copy_loan).pk,
        "signature": _checkout_signature(out),
        "record": record.pk,
    }


def _checkout_signature(loan: Any) -> dict[str, Any]:
    """The register entry of a checkout and the borrower's signature given in it."""
    entry = loan.entries.get(event="checked_out")
    return {"sequence": entry.sequence, "sha256": entry.data["signatures"][0]["sha256"]}


def url_for(name: str, key: str, world: dict[str, Any]) -> str:
    if not key:
        return reverse(name)
    if key == "signature":
        return reverse(name, kwargs=world[key])
    return reverse(name, kwargs={"pk": world[key]})


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_get_matrix(role, users, world):
    client = client_for(None if role == "anonymous" else users[role])
    for name, (allowed, key) in EXPECTED_GET.items():
        response = client.get(url_for(name, key, world))
        if role in allowed:
            expected = 405 if name in POST_ONLY else 200
            assert response.status_code == expected, (name, role, response.status_code)
        else:
            assert refused(response, role), (name, role, response.status_code)


def _signature_field() -> str:
    return "data:image/png;base64," + base64.b64encode(signature_png(5)).decode()


# url name -> (key, data, roles allowed to post)
WRITES: dict[str, tuple[str, dict[str, Any], set[str]]] = {
    "lending:request": ("", {"references": "", "kind": "paper", "purpose": "x"}, READERS),
    "lending:decide": ("requested", {"decision": "approve"}, {CLERK, COMPLIANCE}),
    "lending:checkout": ("approved", {"signature": "SIGNATURE"}, {CLERK}),
    "lending:return": ("out", {"signature": "SIGNATURE", "note": ""}, {CLERK}),
    "lending:location": ("record", {"room": "A101", "cabinet": "3", "shelf": "2"}, {CLERK}),
    "lending:reading": ("", {"reference": "", "reader": "staff", "purpose": "查阅"}, {CLERK}),
    "lending:handover": (
        "",
        {"from_signature": "SIGNATURE", "to_signature": "SIGNATURE", "department": "质量部"},
        {CLERK},
    ),
    "lending:cart_add": ("record", {}, READERS),
    "lending:cart_remove": ("record", {}, READERS),
    "lending:cart_empty": ("", {}, READERS),
    "lending:cart": ("", {"kind": "paper", "purpose": "外审"}, READERS),
}
CART = {"lending:cart_add", "lending:cart_remove", "lending:cart_empty", "lending:cart"}


def _data(name: str, data: dict[str, Any], world: dict[str, Any]) -> dict[str, Any]:
    data = {k: (_signature_field() if v == "SIGNATURE" else v) for k, v in data.items()}
    reference = Loan.objects.get(pk=world["requested"]).items.get().record.reference
    if name in ("lending:request", "lending:reading", "lending:handover"):
        data["reference" if name == "lending:reading" else "references"] = reference
    if name == "lending:handover":
        people = get_user_model().objects
        data["from_user"] = people.get(username="clerk").pk
        data["to_user"] = people.get(username="compliance").pk
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("role", [AUDITOR, COMPLIANCE, STAFF, ADMIN, "anonymous"])
def test_refused_writes_change_nothing(role, users, world):
    client = client_for(None if role == "anonymous" else users[role])
    entries, audit = RegisterEntry.objects.count(), AuditEvent.objects.count()
    for name, (key, data, allowed) in WRITES.items():
        if role in allowed:
            continue
        response = client.post(url_for(name, key, world), _data(name, data, world))
        assert refused(response, role), (name, role, response.status_code)
    assert RegisterEntry.objects.count() == entries
    assert AuditEvent.objects.count() == audit


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(WRITES))
def test_allowed_writes_take_effect(name, users, world):
    key, data, allowed = WRITES[name]
    role = CLERK if CLERK in allowed else sorted(allowed)[0]
    if name == "lending:request" or name in CART:
        role = STAFF
    client = client_for(users[role])
    if name in CART and name != "lending:cart_add":
        cart_add(actor=users[STAFF], record=Record.objects.get(pk=world["record"]))
    entries = RegisterEntry.objects.count()
    response = client.post(url_for(name, key, world), _data(name, data, world))
    assert response.status_code == 302, (name, response.content[:2000])
    if name in CART:
        in_cart = CartItem.objects.filter(user=users[STAFF]).count()
        assert in_cart == (1 if name == "lending:cart_add" else 0)
        assert (name == "lending:cart") == (RegisterEntry.objects.count() == entries + 1)
        return
    if name == "lending:handover":
        from records_dms.lending.models import Custody

        assert Custody.objects.get().holder.username == "compliance"
    if name == "lending:location":
        assert Record.objects.get(pk=world["record"]).physical_location == "A101 / 3 / 2"
    else:
        assert RegisterEntry.objects.count() == entries + 1
