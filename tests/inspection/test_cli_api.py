"""`dms inspect` and /api/v1/inspections/: the same service, the same shape."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from records_dms.accounts import roles
from records_dms.archive.models import Record
from records_dms.cli.main import main
from records_dms.inspection.models import Inspection, Occasion
from records_dms.inspection.services import inspection_daily
from tests.inspection.helpers import file_received, jpeg, png

pytestmark = pytest.mark.django_db


def test_dms_inspect_a_dossier_exit_1_on_a_fault_and_json(customer, clerk, capsys):
    good = file_received(customer, png(), name="a.png", mime_type="image/png")
    bad = file_received(customer, jpeg()[:100], name="b.jpg", mime_type="image/jpeg")
    code = main(["inspect", "--customer", customer.code, "--as", "clerk", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["occasion"] == "manual" and report["record_count"] == 2
    assert {(f["reference"], f["code"]) for f in report["faults"]} == {(bad.reference, "BC-3-2")}
    assert main(["inspect", good.reference]) == 0
    assert Inspection.objects.latest("pk").occasion == Occasion.SCHEDULE


def test_dms_inspect_refuses_a_user_without_the_permission(users, customer, capsys):
    file_received(customer, png(), name="a.png", mime_type="image/png")
    assert main(["inspect", "--as", "auditor"]) == 1
    assert "may not" in capsys.readouterr().err


def test_the_daily_share_checks_the_least_recently_checked_once_a_day(customer, settings):
    import dataclasses
    import datetime

    settings.INSPECTION = dataclasses.replace(settings.INSPECTION, days=2)
    records = [
        file_received(customer, png((10 + n, 5)), name="a.png", mime_type="image/png")
        for n in range(4)
    ]
    day = datetime.date.today()
    assert inspection_daily(day) == 2 and inspection_daily(day) == 0
    checked = Record.objects.filter(inspections__occasion=Occasion.SCHEDULE).distinct()
    assert checked.count() == 2 and set(checked) <= set(records)


@pytest.mark.parametrize("role", [roles.CLERK, roles.AUDITOR, roles.STAFF])
def test_the_api_reads_for_readers_and_runs_for_clerks(users, customer, role):
    record = file_received(customer, png(), name="a.png", mime_type="image/png")
    client = APIClient()
    client.force_authenticate(users[role])
    listed = client.get("/api/v1/inspections/")
    run = client.post("/api/v1/inspections/", {"references": [record.reference]}, format="json")
    if role == roles.STAFF:
        assert listed.status_code == run.status_code == 403
        return
    assert listed.status_code == 200
    if role == roles.AUDITOR:
        assert run.status_code == 403
        return
    assert run.status_code == 201 and run.json()["faults"] == []
    one = client.get(f"/api/v1/inspections/{run.json()['id']}/")
    assert one.status_code == 200 and one.json()["record_count"] == 1
    assert reverse("inspection:list")


def test_a_missing_scanner_is_a_startup_warning(settings):
    import dataclasses

    from records_dms.inspection.system_checks import clamav_check

    assert clamav_check() == []
    settings.INSPECTION = dataclasses.replace(settings.INSPECTION, clamav_command="no-clamscan")
    assert [m.id for m in clamav_check()] == ["records_dms.W170"]


def test_clamscan_loading_freshclams_databases_at_every_filing_is_a_startup_warning(
    settings, tmp_path
):
    import dataclasses
    import shutil

    from records_dms.inspection.checks.clamav import SHIPPED
    from records_dms.inspection.system_checks import clamav_per_filing_check

    settings.INSPECTION = dataclasses.replace(
        settings.INSPECTION, clamav_command="clamscan", clamav_database_dir=tmp_path
    )
    assert clamav_per_filing_check() == []  # the shipped signature alone: cheap to load
    shutil.copy(SHIPPED / "records-dms.ndb", tmp_path / "daily.ndb")  # as freshclam keeps
    assert [m.id for m in clamav_per_filing_check()] == ["records_dms.W171"]
    settings.INSPECTION = dataclasses.replace(settings.INSPECTION, clamav_command="clamdscan")
    assert clamav_per_filing_check() == []
    settings.INSPECTION = dataclasses.replace(
        settings.INSPECTION, clamav_command="clamscan", on_filing=False
    )
    assert clamav_per_filing_check() == []
