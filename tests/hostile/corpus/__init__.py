"""A corpus of hostile and broken files, each made here by a named generator (nothing downloaded).

Every case says what must happen to it: ``refused`` (with words the reason must contain) or
``filed`` (a legitimate document, filed safely), and why. README's "Hostile input" table is
this list. ``settings`` holds the few small bounds a case runs under, so that a bound is
proved without making a huge file: environment variables for the CLI, the fields of
``settings.INGESTION`` they declare in-process.
"""

from __future__ import annotations

from tests.hostile.corpus.cases import CASES, FILED, REFUSED, Case

# Each module adds its cases to CASES; imported in the old corpus.py's order, the register's.
# isort: off
from tests.hostile.corpus import pdfs, images, emails, files  # noqa: F401
# isort: on

# The inbox and folders ----------------------------------------------------------------------

SYMLINK = "symlink"  # not bytes: a symbolic link to a file outside, made in the folder itself

__all__ = ["CASES", "FILED", "REFUSED", "SYMLINK", "Case"]
