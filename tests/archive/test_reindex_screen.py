"""The reindex screen: administrators start a rebuild, the worker carries it out writing its
progress, and the JSON the screen's script polls reports it; nobody else may start one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from records_dms.accounts import roles
from records_dms.archive.indexing import indexable_count
from records_dms.archive.models import SearchRebuild
from records_dms.archive.rebuilds import rebuild_run
from records_dms.audit.models import AuditEvent
from tests.conftest import client_for
from tests.factories import file_pdf

pytestmark = pytest.mark.django_db


def test_an_administrator_rebuilds_and_the_status_counts_every_page(
    users, customer, clerk, django_capture_on_commit_callbacks
):
    for title in ("一", "二"):
        file_pdf(customer, actor=clerk, title=title)
    client = client_for(users[roles.ADMINISTRATOR])
    assert client.get(reverse("archive:reindex")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("archive:reindex"))
    assert response.status_code == 302
    rebuild = SearchRebuild.objects.get()
    status = client.get(reverse("archive:reindex_status", args=[rebuild.pk])).json()
    assert status == {
        "id": rebuild.pk, "total": indexable_count(), "done": indexable_count(),
        "finished": True, "error": "",
    }  # fmt: skip
    assert status["total"] >= 2
    assert AuditEvent.objects.filter(action="search.rebuilt").count() == 1
    page = client.get(reverse("archive:reindex")).content.decode()
    assert 'id="reindex-bar"' in page and reverse("archive:reindex_status", args=[rebuild.pk])


def test_progress_is_written_while_it_runs(users, customer, clerk, monkeypatch):
    file_pdf(customer, actor=clerk)
    rebuild = SearchRebuild.objects.create(total=indexable_count())
    seen: list[int] = []
    from records_dms.archive import rebuilds

    real = rebuilds.search_rebuild

    def watched(**kwargs):
        def progress(count):
            kwargs_progress(count)
            seen.append(SearchRebuild.objects.get(pk=rebuild.pk).done)

        kwargs_progress = kwargs.pop("progress")
        return real(progress=progress, **kwargs)

    monkeypatch.setattr(rebuilds, "search_rebuild", watched)
    rebuild_run(rebuild.pk)
    assert seen and seen[-1] == indexable_count()


def test_one_rebuild_at_a_time(users):
    from records_dms.archive.rebuilds import rebuild_start

    running = SearchRebuild.objects.create(total=5)
    assert rebuild_start(actor=users[roles.ADMINISTRATOR]) == running
    assert SearchRebuild.objects.count() == 1


@pytest.mark.parametrize("role", [roles.CLERK, roles.AUDITOR, roles.COMPLIANCE, roles.STAFF])
def test_nobody_else_starts_one(role, users):
    response = client_for(users[role]).post(reverse("archive:reindex"))
    assert response.status_code in (302, 403) and not SearchRebuild.objects.exists()
