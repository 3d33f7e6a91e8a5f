"""Every kind of bad file is refused naming the file and the reason, and leaves nothing."""

import io
import json
import subprocess
import sys
from dataclasses import replace

import pytest

from ingestion.models import JobStatus
from ingestion.originals import RejectedFile
from ingestion.services import ingest_submit, record_file
from records_dms.archive.models import Page, Record
from tests.factories import file_pdf
from tests.ingestion.samples import BAD_INPUTS, bad_input

pytestmark = pytest.mark.django_db


def stored(settings) -> list:
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_is_refused_and_leaves_nothing(case, customer, clerk, settings):
    kept = file_pdf(customer, actor=clerk)
    before = (Record.objects.count(), Page.objects.count(), sorted(stored(settings)))
    name, data, reason = bad_input(case)
    job = ingest_submit(
        customer=customer,
        stream=io.BytesIO(data),
        filename=name,
        actor=clerk,
        record_type="other",
        wait=True,
    )
    assert job.status == JobStatus.REJECTED, (case, job.status, job.reason)
    assert reason.lower() in job.reason.lower(), (case, job.reason)
    assert (Record.objects.count(), Page.objects.count(), sorted(stored(settings))) == before
    assert not any((settings.DATA_DIR / "spool").iterdir())
    kept.refresh_from_db()
    assert kept.pages.exists()


def test_oversized_file_is_refused_before_anything_is_kept(customer, clerk, settings):
    settings.INGESTION = replace(settings.INGESTION, max_upload_mb=1)
    with pytest.raises(RejectedFile, match=r"big\.pdf.*1 MB"):
        record_file(
            customer=customer,
            stream=io.BytesIO(b"%PDF-1.4\n" + b"0" * 2**20),
            filename="big.pdf",
            type="other",
            document_date=None,
            actor=clerk,
        )
    assert not Record.objects.exists() and stored(settings) == []


def test_hostile_file_name_is_sanitised_and_kept_as_metadata(customer, clerk):
    from tests.factories import make_pdf

    job = ingest_submit(
        customer=customer,
        stream=io.BytesIO(make_pdf()),
        filename="../../etc/\u202epasswd\x00\n.pdf",
        actor=clerk,
        record_type="other",
        wait=True,
    )
    assert job.status == JobStatus.FILED and job.record is not None
    assert job.record.original_name == "passwd.pdf"


@pytest.mark.django_db(transaction=True)
def test_cli_reports_each_bad_file_and_exits_1(tmp_path, customer):
    from django.db import connection

    from tests.concurrency import database_url_of

    inputs = tmp_path / "inputs"
    inputs.mkdir()
    for case in ("encrypted pdf", "html named pdf", "truncated jpeg"):
        name, data, _reason = bad_input(case)
        (inputs / name).write_bytes(data)
    env = {
        "DMS_DATABASE_URL": database_url_of(connection.settings_dict),
        "DMS_DATA_DIR": str(tmp_path / "data"),
        "PATH": "/usr/bin:/bin",
        "DMS_LANGUAGE": "en",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "records_dms",
            "import",
            str(inputs),
            "--customer",
            "KH-0101",
            "--wait",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    rows = {row["file"].rsplit("/", 1)[-1]: row for row in json.loads(result.stdout)}
    assert rows["locked.pdf"]["status"] == "rejected"
    assert "password protected" in rows["locked.pdf"]["error"]
    assert "HTML" in rows["page.pdf"]["error"]
    assert "truncated" in rows["cut.jpg"]["error"]
    assert not Record.objects.exists()
