"""Every URL of ours, walked with hostile parameters, answers 4xx, never 5xx (issue 14).

Found by hand before: `/api/v1/search/?offset=10**30`, `?p=99999999999999999999` on admin
listings, `/api/v1/records/{id}/download.json`, `/api/v1/loans/{id}/approve.json` for any id,
and a signed-in `GET /admin/login/?next=foo`. The walk reads the URL patterns from the resolver,
so a new view is walked too.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from records_dms.accounts import roles
from tests.web.test_role_matrix import world  # noqa: F401  (the fixture: one of everything)

HUGE = "99999999999999999999999999999"
HOSTILE_QUERIES = (
    "",
    f"q=%E6%A1%A3%E6%A1%88&p={HUGE}&page=-1&offset={10**30}&limit=-5",
    "q=%00%ff%fe&customer=%ff&type=zzz&date_from=2024-13-45&date_to=abc&year="
    f"{HUGE}&on=x&format=xyz&next=foo&ordering=-nope&kind=%0d%0a",
)
_CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")


def our_routes() -> list[str]:
    """The route of every URL pattern under admin/ and api/ that our code serves."""
    routes: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith(("admin/", "api/")):
                module = getattr(getattr(pattern.callback, "view_class", None), "__module__", "")
                module = module or getattr(getattr(pattern.callback, "cls", None), "__module__", "")
                module = module or pattern.callback.__module__
                if module.startswith(
                    ("records_dms", "ingestion", "retention", "rest_framework")
                ) or route.startswith(("admin/login", "admin/customers", "api/")):
                    routes.append(route)

    walk(get_resolver().url_patterns, "")
    return routes


def concrete(route: str, ids: dict[str, Any]) -> set[str]:
    """Paths for one route: its parameters filled with a real id, a huge number and garbage."""
    route = route.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "/")
    paths = set()
    for variant in ("real", "huge", "garbage"):

        def fill(name: str, converter: str | None, variant: str = variant) -> str:
            if name == "format":
                return {"real": "json", "huge": "api", "garbage": "xyz"}[variant]
            if converter == "uuid":
                return "00000000-0000-0000-0000-000000000000"
            real = str(ids.get(name) or ids.get("record"))
            if variant == "real":
                return real
            if variant == "huge" or converter == "int":
                return HUGE
            return "%ffx%00"

        path = _GROUP.sub(lambda m: fill(m.group(1), None), route)  # regex routes (DRF)
        path = _CONVERTER.sub(lambda m: fill(m.group(2), m.group(1)), path)
        paths.add("/" + path)
    return paths


@pytest.mark.django_db
@pytest.mark.parametrize("role", [roles.CLERK, roles.COMPLIANCE, roles.STAFF])
def test_no_url_of_ours_answers_5xx_to_hostile_parameters(
    role: str,
    users: dict[str, Any],
    world: dict[str, Any],  # noqa: F811
) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(users[role])
    ids = {**world, "pk": world["record"], "id": world["record"]}
    routes = our_routes()
    assert len(routes) > 80, routes  # the walk found the archive, lending, retention and API
    failures = []
    for route in routes:
        for path in concrete(route, ids):
            for query in HOSTILE_QUERIES:
                url = f"{path}?{query}" if query else path
                for method in (client.get, client.post):
                    response = method(url)
                    if response.status_code >= 500:
                        failures.append(f"{method.__name__.upper()} {url} → {response.status_code}")
    assert failures == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/archive/search/?q=%00",
        "/api/v1/customers/x%00/",
        "/api/v1/search/?q=%E6%A1%A3%00",
        "/admin/archive/search/?%00=1",
    ],
)
def test_a_nul_character_in_the_address_is_refused_before_any_query(
    url: str, users: dict[str, Any]
) -> None:
    """PostgreSQL cannot hold NUL in a text: CI found these as 500s on PostgreSQL only."""
    client = Client(raise_request_exception=False)
    client.force_login(users[roles.CLERK])
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
