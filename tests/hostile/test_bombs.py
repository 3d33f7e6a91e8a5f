"""Decompression bombs: refused before any parser holds them, naming the file and the bound.

The bombs are a few hundred KB on disk and inflate to 300 MB (or past a lowered
DMS_MAX_INFLATE_MB), so the tests stay fast; the 1 and 2 GiB cases and the memory of the
whole `dms import` are measured by benchmarks/bombs.py.
"""

from __future__ import annotations

import faulthandler
import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from pdfminer.lzw import lzwdecode
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from ingestion.inflate import lzw_size, pdf_check
from ingestion.models import IngestionJob, JobStatus
from ingestion.parsers.base import RejectedInput
from ingestion.parsers.registry import PARSERS
from ingestion.sandbox import bounded
from ingestion.services import ingest_submit
from records_dms.archive.models import Page, Record
from tests.factories import file_pdf, make_pdf
from tests.hostile import bombs
from tests.hostile.test_corpus import assert_consistent, blobs, cli_env, snapshot

MB = 1024 * 1024
DEFAULT_LIMIT = "content expands beyond 256 MB"


@cache
def made(name: str) -> bytes:
    """Each bomb made once per test process (making one deflates a few hundred MB)."""
    makers: dict[str, Callable[[], bytes]] = {
        "pdf": lambda: bombs.pdf_flate_bomb(300),
        "pdf-hex": lambda: bombs.pdf_hex_flate_bomb(300),
        "pdf-lzw": lambda: bombs.pdf_lzw_bomb(300),
        "png": lambda: bombs.png_zlib_bomb(9000),  # 81 Mpx RGBA: 324 MB of pixels
        "png-text": lambda: bombs.png_text_bomb(300),
        "tiff-huge": lambda: bombs.tiff_hidden_huge_frame(20000),
        "tiff-frame": lambda: bombs.tiff_hidden_huge_frame(2000),
        "email": lambda: bombs.email_huge_base64_part(3),
    }
    return makers[name]()


# (bomb, file name, settings, what the reason must say)
CASES = {
    "pdf_flate_stream": ("pdf", "报告.pdf", {}, f"a stream of the PDF: {DEFAULT_LIMIT}"),
    "pdf_flate_behind_asciihex": ("pdf-hex", "hex.pdf", {}, DEFAULT_LIMIT),
    "pdf_lzw_stream": ("pdf-lzw", "lzw.pdf", {}, f"a stream of the PDF: {DEFAULT_LIMIT}"),
    "png_idat_zlib": ("png", "scan.png", {}, f"the image data: {DEFAULT_LIMIT}"),
    "png_ztxt_chunk": ("png-text", "note.png", {}, f"a zTXt chunk: {DEFAULT_LIMIT}"),
    "tiff_huge_second_frame": (
        "tiff-huge",
        "fax.tif",
        {},
        "frame 2 is a decompression bomb (20000 × 20000 pixels",
    ),
    "tiff_frame_beyond_inflate_limit": (
        "tiff-frame",
        "fax.tif",
        {"max_inflate_mb": 1},
        "frame 2: content expands beyond 1 MB",
    ),
    "email_huge_base64_part": (
        "email",
        "report.eml",
        {"max_inflate_mb": 1},
        "the email part data.bin: content expands beyond 1 MB",
    ),
}


def named(data: bytes, name: str) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = name
    return stream


@pytest.fixture
def kept(customer: Any, clerk: Any) -> Record:
    return file_pdf(customer, actor=clerk)


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bomb_is_refused_naming_file_and_bound_and_nothing_is_stored(
    case: str, customer: Any, clerk: Any, kept: Record, settings: Any
) -> None:
    bomb, filename, overrides, reason = CASES[case]
    if overrides:
        settings.INGESTION = replace(settings.INGESTION, **overrides)
    before_kept = snapshot(kept)
    before = (Record.objects.count(), Page.objects.count(), blobs())
    job = ingest_submit(
        customer=customer,
        stream=io.BytesIO(made(bomb)),
        filename=filename,
        actor=clerk,
        record_type="other",
        wait=True,
    )
    assert job.status == JobStatus.REJECTED, (job.status, job.reason)
    assert reason in job.reason
    assert job.original_name == filename
    assert (Record.objects.count(), Page.objects.count(), blobs()) == before
    assert snapshot(kept) == before_kept
    assert_consistent(settings)


def test_the_pdf_scan_trusts_neither_length_nor_filter_and_passes_real_pdfs(
    tmp_path: Path,
) -> None:
    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(bombs.pdf_flate_bomb(20))  # "/Length 100 /Filter 6 0 R"
    with pytest.raises(RejectedInput, match="content expands beyond 10 MB"):
        pdf_check(bomb, 10 * MB)
    pdf_check(bomb, 30 * MB)  # under the bound: nothing to say
    legitimate = tmp_path / "ok.pdf"
    legitimate.write_bytes(make_pdf(["第一页", "第二页"]))
    pdf_check(legitimate, MB)  # text and an embedded font: well under a megabyte


def test_lzw_is_counted_exactly_as_pdfminer_decodes_it() -> None:
    data = bombs.lzw_run(2)
    assert lzw_size(data, 10 * MB) == len(lzwdecode(data)) >= 2 * MB
    assert MB < lzw_size(data, MB) < 2 * MB  # counting stops once past the bound


@pytest.mark.django_db
def test_the_api_queues_a_bomb_without_parsing_it_and_the_job_says_why(
    customer: Any, clerk: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=clerk).key}")

    def not_in_the_web_process(*args: Any) -> None:
        raise AssertionError("a file was parsed while answering the request")

    pdf_parser = next(p for p in PARSERS if "application/pdf" in p.mime_types)
    with monkeypatch.context() as patched:
        patched.setattr(pdf_parser, "check", not_in_the_web_process)
        patched.setattr(pdf_parser, "parse", not_in_the_web_process)
        with django_capture_on_commit_callbacks(execute=False) as queued:
            response = client.post(
                reverse("api:record-list"),
                {
                    "file": named(made("pdf"), "合同.pdf"),
                    "customer": customer.code,
                    "type": "contract",
                },
                format="multipart",
            )
    assert response.status_code == 202, response.content
    assert response.json()["status"] == JobStatus.QUEUED
    assert not Record.objects.exists()
    for callback in queued:  # the worker's turn
        callback()
    job = client.get(response.json()["status_url"]).json()
    assert job["status"] == JobStatus.REJECTED
    assert DEFAULT_LIMIT in job["reason"]
    assert job["file"] == "合同.pdf"  # the job names the file the client sent
    assert job["reference"] is None
    assert not Record.objects.exists() and not blobs()


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * MB))


def _refuse() -> None:
    raise RejectedInput("refused in the child")


def _crash() -> None:
    faulthandler.disable()  # pytest's traceback printer: the crash is the point here
    os.kill(os.getpid(), signal.SIGSEGV)


def test_the_child_reading_a_file_is_bounded_and_its_failures_are_reasons() -> None:
    assert bounded(_allocate, 50, budget=512 * MB, max_pixels=10**6) == 50 * MB
    with pytest.raises(RejectedInput, match="more memory than the limit of 512 MB"):
        bounded(_allocate, 2048, budget=512 * MB, max_pixels=10**6)
    with pytest.raises(RejectedInput, match="refused in the child"):
        bounded(_refuse, budget=512 * MB, max_pixels=10**6)
    with pytest.raises(RejectedInput, match="more memory than the limit"):
        bounded(_crash, budget=512 * MB, max_pixels=10**6)
    # What the child allocated never became the caller's.
    assert bounded(_allocate, 1, budget=512 * MB, max_pixels=10**6) == MB


@pytest.mark.django_db(transaction=True)
def test_dms_import_refuses_the_bomb_and_exits_1(
    tmp_path: Path, customer: Any, settings: Any
) -> None:
    bomb = tmp_path / "合同.pdf"
    bomb.write_bytes(made("pdf"))
    result = subprocess.run(
        [sys.executable, "-m", "records_dms", "import", str(bomb), "--customer", customer.code,
         "--type", "contract", "--wait", "--json"],
        env=cli_env(tmp_path, {}), capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr[-2000:]
    (outcome,) = json.loads(result.stdout)
    assert outcome["status"] == "rejected"
    assert outcome["file"].endswith("合同.pdf")
    assert DEFAULT_LIMIT in outcome["error"]
    assert not Record.objects.exists()
    assert not IngestionJob.objects.filter(status=JobStatus.FILED).exists()
