"""One serialisation: the OpenAPI schema describes every endpoint under /api/v1/ with typed
bodies, and the CLI's ``--json`` prints what the API answers for the same object.

The endpoints are read from the URL resolver, not from the schema, so an endpoint the schema
leaves out (or answers with an untyped ``{}``) fails here.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from records_dms.accounts import roles
from records_dms.accounts.services import grant_create
from records_dms.cli.main import main
from retention.services.deletion import deletion_request_register
from retention.services.destruction import (
    destruction_request_approve,
    destruction_request_execute,
    destruction_request_propose,
)
from tests.factories import make_record
from tests.lending.helpers import loan_out
from tests.retention.helpers import closed_complaint_record, two_witnesses

# The schema document itself is the one endpoint it does not describe (an OpenAPI document
# has no schema of its own worth the name).
NOT_DESCRIBED = {"api:schema"}
# POSTs that take no body: the step is the whole request.
NO_BODY = {
    ("post", "/api/v1/retention/destruction-requests/{id}/approve/"),
    ("post", "/api/v1/retention/deletion-requests/{id}/answer/"),
}
# DRF's lookups are named pk in the URL and id in the schema (SCHEMA_COERCE_PATH_PK).
GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)|<(?:\w+:)?(\w+)>")


def api_endpoints() -> Iterator[tuple[str, str, list[str]]]:
    """(url name, OpenAPI path, methods) of every URL pattern in the api namespace."""

    def walk(
        patterns: list[Any], prefix: str, namespaces: tuple[str, ...]
    ) -> Iterator[tuple[str, str, list[str]]]:
        for pattern in patterns:
            route = str(pattern.pattern).lstrip("^").rstrip("$")
            if isinstance(pattern, URLResolver):
                inner = (*namespaces, pattern.namespace) if pattern.namespace else namespaces
                yield from walk(pattern.url_patterns, prefix + route, inner)
            elif isinstance(pattern, URLPattern) and "api" in namespaces:
                if "(?P<format>" in route:  # the same endpoint as ``name.json``
                    continue
                path = GROUP.sub(lambda m: "{%s}" % (m.group(1) or m.group(2)), prefix + route)
                path = "/" + path.replace("{pk}", "{id}")
                yield f"api:{pattern.name}", path, _methods(pattern.callback)

    yield from walk(get_resolver().url_patterns, "", ())


def _methods(callback: Any) -> list[str]:
    if getattr(callback, "actions", None):  # a viewset route: method → action
        return sorted(callback.actions)
    view = callback.cls
    return sorted(
        m for m in view.http_method_names if m not in ("head", "options") and hasattr(view, m)
    )


@pytest.fixture(scope="module")
def schema(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = APIClient().get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    return dict(response.json())


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def untyped(schema: dict[str, Any], node: dict[str, Any], where: str) -> list[str]:
    """Where in ``node`` a value has no type: ``{}``, or an object with no properties."""
    node = _resolve(schema, node)
    parts = node.get("allOf", []) + node.get("oneOf", []) + node.get("anyOf", [])
    if parts:
        return [bad for part in parts for bad in untyped(schema, part, where)]
    if node.get("type") == "array":
        return untyped(schema, node.get("items", {}), f"{where}[]")
    if node.get("type") == "object":
        found = [
            bad
            for name, child in node.get("properties", {}).items()
            for bad in untyped(schema, child, f"{where}.{name}")
        ]
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            found += untyped(schema, extra, f"{where}.*")
        if not node.get("properties") and not isinstance(extra, dict):
            found.append(where)
        return found
    return [] if node.get("type") or node.get("enum") else [where]


def test_the_walk_finds_the_api() -> None:
    """The checks below mean something only if the walk finds the routes of every app."""
    names = {name for name, _path, _methods in api_endpoints()}
    assert {"api:record-detail", "api:loan-return", "api:retention-hold-lift"} <= names
    assert {"api:search", "api:token", "api:api-root"} <= names
    assert len(names) > 30


def test_untyped_is_found() -> None:
    empty: dict[str, Any] = {"components": {"schemas": {}}}
    assert untyped(empty, {}, "r") == ["r"]
    assert untyped(empty, {"type": "object"}, "r") == ["r"]
    assert untyped(empty, {"type": "object", "additionalProperties": {}}, "r") == ["r.*"]
    assert untyped(empty, {"type": "array", "items": {"type": "string"}}, "r") == []


@pytest.mark.parametrize("name,path,methods", list(api_endpoints()), ids=lambda v: str(v))
def test_every_endpoint_is_described_with_typed_bodies(
    schema: dict[str, Any], name: str, path: str, methods: list[str]
) -> None:
    if name in NOT_DESCRIBED:
        assert path not in schema["paths"]
        return
    assert path in schema["paths"], f"{name}: {path} is not in the schema"
    described = schema["paths"][path]
    for method in methods:
        assert method in described, f"{name}: {method.upper()} {path} is not described"
        operation = described[method]
        ok = {code: r for code, r in operation["responses"].items() if code.startswith("2")}
        assert ok, f"{method.upper()} {path}: no success response"
        for code, response in ok.items():
            content = response.get("content", {})
            assert content, f"{method.upper()} {path} {code}: no response body"
            for media, body in content.items():
                assert untyped(schema, body["schema"], f"{code} {media}") == []
        if method in ("post", "put", "patch"):
            bodies = operation.get("requestBody", {}).get("content", {})
            assert bool(bodies) != ((method, path) in NO_BODY), f"{method.upper()} {path}"
            for media, body in bodies.items():
                assert untyped(schema, body["schema"], f"request {media}") == []


# The CLI prints what the API answers ---------------------------------------------------------


def cli_json(capsys: Any, *argv: str) -> Any:
    capsys.readouterr()
    assert main([*argv, "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def api_json(user: Any, url: str) -> Any:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_destruction_show_prints_what_the_api_answers(capsys, users, customer, clerk):
    compliance = users[roles.COMPLIANCE]
    record = closed_complaint_record(customer, clerk)
    request = destruction_request_propose(records=[record], actor=clerk, reason="到期")
    destruction_request_approve(request=request, actor=compliance)
    executed = destruction_request_execute(witnesses=two_witnesses(), request=request, actor=clerk)
    printed = cli_json(capsys, "destruction", "show", str(executed.pk), "--as", "compliance")
    answered = api_json(compliance, reverse("api:retention-destruction-detail", args=[request.pk]))
    assert printed == answered
    assert printed["certificate"] and printed["witness"] == "李明、赵六"
    assert [w["name"] for w in printed["witnesses"]] == ["李明", "赵六"]
    assert printed["items"][0]["state"] == "destroyed"


@pytest.mark.django_db
def test_hold_place_prints_what_the_api_answers(capsys, users, customer, clerk):
    record = make_record(customer)
    printed = cli_json(
        capsys, "hold", "place", record.reference, "--reason", "诉讼", "--as", "compliance"
    )
    answered = api_json(
        users[roles.COMPLIANCE], reverse("api:retention-hold-detail", args=[printed["id"]])
    )
    assert printed == answered and printed["records"] == [record.reference]


@pytest.mark.django_db
def test_deletion_request_show_prints_what_the_api_answers(capsys, users, customer):
    compliance = users[roles.COMPLIANCE]
    request = deletion_request_register(
        customer=customer, received_on=datetime.date(2024, 5, 6), requester="张三", actor=compliance
    )
    printed = cli_json(capsys, "retention", "deletion-request", "show", request.number)
    answered = api_json(compliance, reverse("api:retention-deletion-detail", args=[request.pk]))
    assert printed == answered and printed["letter_sha256"] is None


@pytest.mark.django_db
def test_loan_show_prints_what_the_api_answers(capsys, users, customer, clerk):
    staff = users[roles.STAFF]
    grant_create(user=staff, customer=customer, actor=clerk)
    loan = loan_out(make_record(customer), borrower=staff, approver=clerk, clerk=clerk)
    printed = cli_json(capsys, "loan", "show", loan.number, "--as", "staff")
    answered = api_json(staff, reverse("api:loan-detail", args=[loan.pk]))
    assert printed == answered
    assert printed["entry"]["signatures"][0]["signer"] == "staff"


@pytest.mark.django_db
def test_show_prints_what_the_api_answers(capsys, users, customer, clerk):
    record = make_record(customer)
    printed = cli_json(capsys, "show", record.reference, "--as", "clerk")
    answered = api_json(clerk, reverse("api:record-detail", args=[record.pk]))
    assert printed == answered
