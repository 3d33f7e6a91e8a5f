"""Object-level permissions: the URL matrices together cover every URL of ours, and a record
outside a user's grant or clearance is a 404 everywhere, leaking nothing (detail, download,
searchable PDF, API, search counts, facets and snippets, error bodies)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from records_dms.accounts import roles
from records_dms.accounts.roles import Confidentiality
from records_dms.accounts.services import grant_create
from records_dms.archive.models import Record
from tests.conftest import client_for
from tests.factories import CustomerFactory, file_pdf, make_pdf
from tests.lending.test_role_matrix import EXPECTED_GET as LENDING
from tests.retention.test_api import EXPECTED_GET as RETENTION_API
from tests.retention.test_screens import EXPECTED_GET as RETENTION
from tests.web.test_role_matrix import EXPECTED_GET as ARCHIVE
from tests.web.test_role_matrix import refused

OUR_PACKAGES = ("records_dms", "ingestion", "retention", "search", "rest_framework")


def _module_of(pattern: URLPattern) -> str:
    callback = pattern.callback
    for owner in ("view_class", "cls", "initkwargs"):
        target = getattr(callback, owner, None)
        if isinstance(target, type):
            return target.__module__
    return str(getattr(callback, "__module__", ""))


def routed_views() -> set[str]:
    """Every URL served by our code (and the API's DRF views) under admin/ or api/."""
    found: set[str] = set()

    def walk(patterns: list[Any], namespace: str, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner, route)
            elif route.startswith(("admin/", "api/")) and (
                _module_of(pattern).startswith(OUR_PACKAGES) or namespace == "api:"
            ):
                found.add(f"{namespace}{pattern.name}" if pattern.name else route)

    walk(get_resolver().url_patterns, "", "")
    return found


def test_every_admin_and_api_url_is_in_one_of_the_role_matrices():
    """A new view of ours that no matrix lists fails here, whichever app it is in."""
    matrices = set(ARCHIVE) | set(LENDING) | set(RETENTION) | set(RETENTION_API)
    # Wagtail's sign-in page, served by a subclass of ours only to bound its ?next= (open to
    # everyone; tests/accounts/test_web_security.py and tests/web/test_hostile_urls.py).
    matrices.add("wagtailadmin_login")
    assert routed_views() - matrices == set()
    assert len(routed_views()) >= 60  # the walk itself still finds our views


SECRET_WORD = "蓝鲸配方"  # appears only in the records staff must not see


@pytest.fixture
def hidden(users: dict[str, Any], customer: Any, clerk: Any, django_capture_on_commit_callbacks):
    """Staff is granted KH-0101 (cleared for internal only); KH-0202 has no grant for staff."""
    other = CustomerFactory.create(code="KH-0202", name="机密客户有限公司")
    grant_create(user=users[roles.STAFF], customer=customer, actor=clerk)
    lines = [f"本页记载{SECRET_WORD}的全部细节。", "顾客投诉档案。"]
    with django_capture_on_commit_callbacks(execute=True):
        visible = file_pdf(customer, actor=clerk, title="公开纪要")
        foreign = file_pdf(other, actor=clerk, lines=lines, title="外单位秘密标题")
        confidential = file_pdf(
            customer,
            actor=clerk,
            lines=[*lines, "机密级别。"],
            title="机密级记录标题",
            confidentiality=Confidentiality.CONFIDENTIAL,
        )
    for record in (foreign, confidential):
        key = default_storage.save(f"renditions/{record.sha256}.pdf", ContentFile(make_pdf()))
        Record.objects.filter(pk=record.pk).update(rendition_key=key)
    return {"visible": visible, "foreign": foreign, "confidential": confidential}


def leaks(body: bytes, record: Record) -> list[str]:
    text = body.decode("utf-8", "replace")
    return [
        s for s in (record.reference, record.title, SECRET_WORD, record.sha256) if s and s in text
    ]


OBJECT_URLS = [
    "archive:record",
    "archive:record_download",
    "archive:record_rendition",
    "archive:record_stamped",
    "api:record-detail",
    "api:record-download",
    "api:record-stamped",
]
# Views staff may not use at all: refused the same way whichever id is asked for.
ACTION_URLS = ["archive:record_edit", "lending:location"]


@pytest.mark.django_db
@pytest.mark.parametrize("which", ["foreign", "confidential"])
def test_a_record_out_of_reach_is_404_everywhere_without_a_leak(which, users, hidden):
    staff = client_for(users[roles.STAFF])
    record = hidden[which]
    for name in OBJECT_URLS:
        response = staff.get(reverse(name, kwargs={"pk": record.pk}))
        assert response.status_code == 404, (name, which, response.status_code)
        assert leaks(response.content, record) == [], (name, which)
    image = staff.get(reverse("archive:record_page_image", kwargs={"pk": record.pk, "number": 1}))
    assert image.status_code == 404 and leaks(image.content, record) == [], which
    for name in ACTION_URLS:
        response = staff.get(reverse(name, kwargs={"pk": record.pk}))
        assert refused(response, roles.STAFF), (name, which, response.status_code)
        assert leaks(response.content, record) == [], (name, which)
    # The API's list tells nothing either.
    listing = staff.get(reverse("api:record-list"))
    assert listing.status_code == 200 and leaks(listing.content, record) == []
    assert record.reference not in {r["reference"] for r in listing.json()["results"]}


@pytest.mark.django_db
def test_a_foreign_dossier_is_404_for_staff(users, hidden):
    staff = client_for(users[roles.STAFF])
    foreign = hidden["foreign"].customer
    for url in (
        reverse("archive:dossier", args=[foreign.pk]),
        reverse("api:customer-detail", kwargs={"code": foreign.code}),
    ):
        response = staff.get(url)
        assert response.status_code == 404, url
        assert foreign.name not in response.content.decode("utf-8", "replace")


@pytest.mark.django_db
def test_search_counts_facets_and_snippets_never_show_what_is_out_of_reach(users, hidden):
    # The clerk (every customer, cleared for secret) finds both hidden records: they are indexed.
    clerk_hits = client_for(users[roles.CLERK]).get(reverse("api:search"), {"q": SECRET_WORD})
    assert clerk_hits.json()["count"] >= 2, clerk_hits.json()
    staff = client_for(users[roles.STAFF])
    api = staff.get(reverse("api:search"), {"q": SECRET_WORD})
    assert api.status_code == 200
    body = api.json()
    assert body["count"] == 0 and body["results"] == []
    assert "KH-0202" not in str(body["facets"])
    for record in (hidden["foreign"], hidden["confidential"]):
        assert leaks(api.content, record) == []
    # Asking for the foreign customer by name in a filter changes nothing.
    filtered = staff.get(reverse("api:search"), {"q": SECRET_WORD, "customer": "KH-0202"})
    assert filtered.json()["count"] == 0
    page = staff.get(reverse("archive:search"), {"q": SECRET_WORD})
    assert page.status_code == 200
    for record in (hidden["foreign"], hidden["confidential"]):
        assert leaks(page.content.replace(SECRET_WORD.encode(), b""), record) == []
    assert f"<mark>{SECRET_WORD}".encode() not in page.content
    assert b"KH-0202" not in page.content
    # The same staff member still finds what they may see.
    seen = staff.get(reverse("api:search"), {"q": "顾客投诉"}).json()
    assert {hit["reference"] for hit in seen["results"]} == {hidden["visible"].reference}
