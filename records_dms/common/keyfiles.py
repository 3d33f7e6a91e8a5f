"""Secrets and keys made on first use and kept in the data dir, safe for processes that
start together on a fresh data dir (two workers, a web process and ``dms worker``).

Whoever comes first makes the file(s) under an exclusive lock, writes each whole to a private
temporary file and renames it into place; whoever comes next waits for the lock and finds
them there. So every process uses the same secret and nobody reads a file half written (the
race CI met: two workers starting at once, one failing with FileExistsError).
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".keys.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write_whole(path: Path, data: bytes) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-")  # mode 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def kept_files(paths: list[Path], make: Callable[[], Mapping[Path, bytes]]) -> None:
    """Make ``paths`` (all in one folder) with ``make()`` unless all of them are there.

    ``make`` gives every path's bytes; they are written under the folder's lock, each whole,
    in the order of ``paths`` (so a reader that checks the last one sees them all)."""
    if all(path.exists() for path in paths):
        return
    folder = paths[0].parent
    with _locked(folder):
        if all(path.exists() for path in paths):
            return  # another process made them while this one waited
        made = make()
        for path in paths:
            _write_whole(path, made[path])


def kept_secret(path: Path, make: Callable[[], bytes]) -> bytes:
    """The bytes kept in ``path``, made by ``make()`` when there are none."""
    kept_files([path], lambda: {path: make()})
    return path.read_bytes()
