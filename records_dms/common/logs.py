"""Logging to whatever ``sys.stderr`` is when a line is written.

``logging.StreamHandler`` keeps the stream it was given at configuration; Django configures
logging again on every ``django.setup()`` (the ``dms`` CLI calls it), so a handler could keep a
stream that was replaced and closed since (a test's captured stderr, a daemon's redirected one)
and every later line fails with "I/O operation on closed file"."""

from __future__ import annotations

import logging
import sys
from typing import TextIO


class StderrHandler(logging.StreamHandler[TextIO]):
    """A stream handler whose stream is always the current ``sys.stderr``."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        """The stream is not kept; ``logging.StreamHandler.__init__`` assigns one."""
