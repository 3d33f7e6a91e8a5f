"""A records clerk uploads files and watches each one filed, rejected, or failed and retried."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.urls import reverse
from playwright.sync_api import expect, sync_playwright

from ingestion.models import IngestionJob, JobStatus
from ingestion.services import ingest_run
from tests.browser.test_clerk_journey import (
    ARTIFACTS,
    BROWSER_LOCALE,
    PASSWORD,
    TIMEOUT_MS,
    VIEWPORT_WIDTH,
    _launch,
    _path_is,
    _screenshot_whole_dossier,
)
from tests.factories import SEED_LINES, make_pdf


@pytest.mark.browser
# live_server answers from another thread, which sees only committed data; on_commit runs at
# once, so the immediate task backend files each file during its POST.
@pytest.mark.django_db(transaction=True)
def test_clerk_uploads_two_files_and_sees_one_filed_one_rejected(
    live_server: Any, settings: Any, clerk: Any, customer: Any, tmp_path: Path
) -> None:
    settings.LANGUAGE_CODE = "zh-hans"
    good = tmp_path / "投诉登记.pdf"
    good.write_bytes(make_pdf())
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"<html><body>not a pdf</body></html>")
    upload_path = reverse("ingestion:upload", args=[customer.pk])
    dossier_path = reverse("archive:dossier", args=[customer.pk])
    ARTIFACTS.mkdir(exist_ok=True)

    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            context = browser.new_context(
                locale=BROWSER_LOCALE, viewport={"width": VIEWPORT_WIDTH, "height": 900}
            )
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            broken: list[str] = []
            page.on(
                "response",
                lambda r: (
                    broken.append(f"{r.status} {r.url}")
                    if r.status >= 400 and r.url.startswith(live_server.url)
                    else None
                ),
            )
            page.goto(live_server.url + reverse("wagtailadmin_login"))
            page.fill("#id_username", clerk.username)
            page.fill("#id_password", PASSWORD)
            page.locator("form button[type=submit]").first.click()
            page.wait_for_url(_path_is(reverse("wagtailadmin_home")))

            # The dossier leads to the upload screen.
            page.goto(live_server.url + dossier_path)
            page.get_by_role("link", name="上传文件").click()
            page.wait_for_url(_path_is(upload_path))
            assert urlsplit(page.url).path == upload_path
            expect(page.locator("h1#header-title")).to_contain_text("上传文件")

            page.select_option("#id_record_type", "complaint")
            page.set_input_files("#upload-files", [str(good), str(bad)])
            page.locator("#upload-send").click()

            rows = page.locator("#upload-jobs tbody tr")
            filed = rows.filter(has_text=good.name)
            rejected = rows.filter(has_text=bad.name)
            expect(filed.locator("td[data-status]")).to_have_attribute("data-status", "filed")
            expect(filed.locator("td[data-status]")).to_have_text("已归档")
            link = filed.locator("a")
            expect(link).to_have_text(re.compile(rf"^{customer.code}-TS-\d{{4}}-0001$"))
            expect(rejected.locator("td[data-status]")).to_have_attribute("data-status", "rejected")
            expect(rejected.locator("td[data-status]")).to_have_text("已拒收")
            expect(rejected.locator("td.upload-reason")).to_contain_text("HTML")
            expect(rejected.locator("button")).to_have_count(0)

            _screenshot_whole_dossier(page, ARTIFACTS / "upload.png")

            # The link opens the record just filed.
            record_url = link.get_attribute("href")
            assert record_url
            link.click()
            page.wait_for_url(_path_is(record_url))
            assert broken == []
            context.close()
        finally:
            browser.close()


# The worker thread and the polling page both take their time (SQLite serialises writers).
WORKER_TIMEOUT_MS = 30_000
POLL_MS = 1500  # as in upload.html


def _worker(stop: threading.Event, fail_once: str) -> None:
    """A stand-in for `dms run`'s task worker: runs queued jobs; the first `fail_once` fails."""
    failed = False
    try:
        while not stop.wait(0.5):
            for job in IngestionJob.objects.filter(status=JobStatus.QUEUED):
                if job.original_name == fail_once and not failed:
                    job.status, job.reason = JobStatus.FAILED, "OSError: disk full"
                    job.save(update_fields=["status", "reason", "updated_at"])
                    failed = True
                else:
                    ingest_run(str(job.pk))
    finally:
        connection.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_page_follows_queued_jobs_and_retries_a_failed_one(
    live_server: Any, settings: Any, clerk: Any, customer: Any, tmp_path: Path
) -> None:
    # Jobs wait in the queue for the worker thread, as they do for `dms run`'s worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    first = tmp_path / "first.pdf"
    # Born-digital pages with enough text: the journey is the page's, not OCR's (a page of a
    # few characters would be OCR'd, tens of seconds on a loaded CI machine).
    first.write_bytes(make_pdf(["第一份", *SEED_LINES]))
    flaky = tmp_path / "flaky.pdf"
    flaky.write_bytes(make_pdf(["第二份", *SEED_LINES]))
    stop = threading.Event()
    worker = threading.Thread(target=_worker, args=(stop, flaky.name), daemon=True)
    worker.start()
    try:
        with sync_playwright() as playwright:
            browser = _launch(playwright)
            try:
                context = browser.new_context(locale=BROWSER_LOCALE)
                page = context.new_page()
                page.set_default_timeout(TIMEOUT_MS)
                page.goto(live_server.url + reverse("wagtailadmin_login"))
                page.fill("#id_username", clerk.username)
                page.fill("#id_password", PASSWORD)
                page.locator("form button[type=submit]").first.click()
                page.wait_for_url(_path_is(reverse("wagtailadmin_home")))
                page.goto(live_server.url + reverse("ingestion:upload", args=[customer.pk]))
                polls: list[str] = []
                page.on("request", lambda r: polls.append(r.url) if "/uploads/" in r.url else None)

                page.select_option("#id_record_type", "minutes")
                page.set_input_files("#upload-files", [str(first), str(flaky)])
                page.locator("#upload-send").click()
                rows = page.locator("#upload-jobs tbody tr")
                good_row = rows.filter(has_text=first.name)
                flaky_row = rows.filter(has_text=flaky.name)
                # The POSTs answer "queued"; only polling brings what the worker did later.
                status = flaky_row.locator("td[data-status]")
                expect(status).to_have_attribute("data-status", "failed", timeout=WORKER_TIMEOUT_MS)
                expect(flaky_row.locator("td.upload-reason")).to_have_text("OSError: disk full")
                expect(good_row.locator("td[data-status]")).to_have_attribute(
                    "data-status", "filed", timeout=WORKER_TIMEOUT_MS
                )
                expect(good_row.locator("a")).to_have_count(1)

                flaky_row.get_by_role("button").click()
                expect(status).to_have_attribute("data-status", "filed", timeout=WORKER_TIMEOUT_MS)
                expect(flaky_row.locator("td.upload-reason")).to_have_text("")
                expect(flaky_row.locator("a")).to_have_count(1)
                expect(flaky_row.get_by_role("button")).to_have_count(0)

                # With every job settled the page stops asking (after one last look).
                page.wait_for_timeout(2 * POLL_MS)
                asked = len(polls)
                page.wait_for_timeout(3 * POLL_MS)
                assert len(polls) == asked
                context.close()
            finally:
                browser.close()
    finally:
        stop.set()
        worker.join(timeout=10)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_clerk_gives_files_of_one_batch_their_own_types(
    live_server: Any, settings: Any, clerk: Any, customer: Any, tmp_path: Path
) -> None:
    """Issue 15, "Per-file type in a batch": three files chosen, two given their own type in
    the list; each is filed as the type its row says, the third as the batch's."""
    settings.LANGUAGE_CODE = "zh-hans"
    names = {"纪要.pdf": "第一份", "合同.pdf": "第二份", "投诉.pdf": "第三份"}
    for name, first_line in names.items():
        (tmp_path / name).write_bytes(make_pdf([first_line, *SEED_LINES]))
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = _launch(playwright)
        try:
            context = browser.new_context(
                locale=BROWSER_LOCALE, viewport={"width": VIEWPORT_WIDTH, "height": 900}
            )
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(live_server.url + reverse("wagtailadmin_login"))
            page.fill("#id_username", clerk.username)
            page.fill("#id_password", PASSWORD)
            page.locator("form button[type=submit]").first.click()
            page.wait_for_url(_path_is(reverse("wagtailadmin_home")))
            page.goto(live_server.url + reverse("ingestion:upload", args=[customer.pk]))

            page.select_option("#id_record_type", label="投诉")
            page.set_input_files("#upload-files", [str(tmp_path / name) for name in names])
            rows = page.locator("#upload-jobs tbody tr")
            expect(rows).to_have_count(3)
            row = {name: rows.filter(has_text=name) for name in names}
            # Each row starts at the batch's choice; the clerk changes two of them.
            for one in row.values():
                expect(one.locator("select")).to_have_value("complaint")
                expect(one.locator("td[data-status]")).to_have_text("待上传")
            minutes = row["纪要.pdf"].get_by_label("此文件的文件类型 纪要.pdf")
            minutes.select_option(label="会议纪要")
            row["合同.pdf"].locator("select").select_option(label="合同")
            row["纪要.pdf"].get_by_label("此文件的题名 纪要.pdf").fill("三月例会纪要")
            page.get_by_role("button", name="上传", exact=True).click()

            for one in row.values():
                expect(one.locator("td[data-status]")).to_have_attribute("data-status", "filed")
            expect(row["纪要.pdf"].locator("a")).to_have_text(re.compile(r"-JY-\d{4}-0001$"))
            expect(row["合同.pdf"].locator("a")).to_have_text(re.compile(r"-HT-\d{4}-0001$"))
            expect(row["投诉.pdf"].locator("a")).to_have_text(re.compile(r"-TS-\d{4}-0001$"))
            _screenshot_whole_dossier(page, ARTIFACTS / "upload-per-file-type.png")
            context.close()
        finally:
            browser.close()
    filed = {job.original_name: job.record for job in IngestionJob.objects.select_related("record")}
    assert {name: record and record.type for name, record in filed.items()} == {
        "纪要.pdf": "minutes",
        "合同.pdf": "contract",
        "投诉.pdf": "complaint",
    }
    minutes_record = filed["纪要.pdf"]
    assert minutes_record is not None and minutes_record.title == "三月例会纪要"
