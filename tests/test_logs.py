"""Log lines go to the current stderr, even after the one at configuration was closed."""

from __future__ import annotations

import io
import logging
import sys

from records_dms.common.logs import StderrHandler


def test_a_log_line_after_stderr_was_replaced_and_closed_is_written(monkeypatch):
    """Django configures logging on every django.setup() (the dms CLI calls it); a test's
    captured stderr closed since made every later log line fail with 'I/O operation on
    closed file' (seen in CI's output) — the handler now writes to stderr as it is now."""
    first = io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    handler = StderrHandler()
    logger = logging.getLogger("records_dms.tests.logs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        first.close()
        second = io.StringIO()
        monkeypatch.setattr(sys, "stderr", second)
        logger.warning("档案 filed")
        assert second.getvalue() == "档案 filed\n"
    finally:
        logger.removeHandler(handler)


def test_the_project_logs_through_it(settings):
    console = settings.LOGGING["handlers"]["console"]
    assert console["class"] == "records_dms.common.logs.StderrHandler"
