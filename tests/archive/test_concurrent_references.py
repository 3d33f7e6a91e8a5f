"""Reference numbers stay unique and gap-free when several processes file at once."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

import pytest
from django.db import connection

from records_dms.archive.models import Record
from tests.concurrency import database_url_of, file_records
from tests.factories import CustomerFactory

PROCESSES = 4
PER_PROCESS = 15


@pytest.mark.django_db(transaction=True)
def test_parallel_filing_gives_unique_gap_free_references(tmp_path):
    CustomerFactory.create(code="KH-0909")
    url = database_url_of(connection.settings_dict)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(PROCESSES, mp_context=context) as pool:
        futures = [
            pool.submit(file_records, url, str(tmp_path), "KH-0909", PER_PROCESS)
            for _ in range(PROCESSES)
        ]
        references = [ref for future in futures for ref in future.result(timeout=120)]
    total = PROCESSES * PER_PROCESS
    assert len(set(references)) == total
    expected = {f"KH-0909-TS-2024-{n:04d}" for n in range(1, total + 1)}
    assert set(references) == expected
    assert set(Record.objects.values_list("reference", flat=True)) == expected


@pytest.mark.django_db(transaction=True)
def test_parallel_filing_under_the_dat22_rule_gives_a_gap_free_件号_series(tmp_path):
    """Two customers, one standard series (fonds, category, year, class, 问题): no 件号 twice."""
    CustomerFactory.create(code="KH-0909")
    CustomerFactory.create(code="KH-0910")
    url = database_url_of(connection.settings_dict)
    environ = {"DMS_REFERENCE_RULE": "dat22", "DMS_FONDS_CODE": "Q001"}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(PROCESSES, mp_context=context) as pool:
        futures = [
            pool.submit(
                file_records, url, str(tmp_path), f"KH-09{9 + n % 2:02d}", PER_PROCESS, environ
            )
            for n in range(PROCESSES)
        ]
        references = [ref for future in futures for ref in future.result(timeout=120)]
    total = PROCESSES * PER_PROCESS
    # Complaints without a case follow `complaint` (3 years, custom class D3).
    expected = {f"Q001-WS·2024-D3-TS-{n:04d}" for n in range(1, total + 1)}
    assert len(references) == total and set(references) == expected
    assert set(Record.objects.values_list("reference", flat=True)) == expected
