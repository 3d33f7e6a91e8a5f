"""Checkpoints: signed statements of a chain's head, one JSON line each, appended to a log
outside the database (``$DMS_DATA_DIR/chain-checkpoints.log``) after every commit that grew a
chain; ``HashChain.verify`` (records_dms/common/chain.py) reads the log back through
``_LogIndex``.
"""

from __future__ import annotations

import json
import logging
import os
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from records_dms.common import signing

CHECKPOINT_FILE_NAME = "chain-checkpoints.log"

logger = logging.getLogger(__name__)


def _head_message(chain: str, count: int, head: str) -> bytes:
    return f"records-dms chain {chain} {count} {head}".encode("ascii")


@dataclass(frozen=True)
class Checkpoint:
    """A signed statement that chain ``chain`` held ``count`` entries ending in ``head``."""

    chain: str
    count: int
    head: str
    at: str
    key_id: str
    signature: str

    @classmethod
    def signed(cls, chain: str, count: int, head: str) -> Checkpoint:
        key_id, signature = signing.sign(_head_message(chain, count, head))
        return cls(chain, count, head, timezone.now().isoformat(), key_id, signature)

    @classmethod
    def from_line(cls, line: str) -> Checkpoint:
        """Raises ValueError on a line that is not a checkpoint."""
        try:
            data = json.loads(line)
            return cls(
                chain=str(data["chain"]),
                count=int(data["count"]),
                head=str(data["head"]),
                at=str(data.get("at", "")),
                key_id=str(data["key_id"]),
                signature=str(data["signature"]),
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not a checkpoint: {line[:80]!r}") from error

    def line(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))

    def valid(self, keys: Mapping[str, Any]) -> bool:
        key = keys.get(self.key_id)
        message = _head_message(self.chain, self.count, self.head)
        return key is not None and signing.signature_valid(key, message, self.signature)


def checkpoint_log_path() -> Path:
    configured = settings.FIXITY.checkpoint_log
    return Path(configured) if configured else Path(settings.DATA_DIR) / CHECKPOINT_FILE_NAME


def checkpoint_append(checkpoint: Checkpoint) -> None:
    """One line, one write with O_APPEND: lines of concurrent processes never interleave."""
    data = (checkpoint.line() + "\n").encode("ascii")
    try:
        fd = os.open(checkpoint_log_path(), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
    except OSError:  # the change is committed; a missing line only widens the window
        logger.exception("could not write the chain checkpoint %s", checkpoint.line())


def checkpoints_read(path: Path) -> Iterator[Checkpoint | ValueError]:
    """Every checkpoint of a log (or of lines pasted from an e-mail); damaged lines as errors."""
    if not path.exists():
        return
    with path.open(encoding="utf-8", errors="replace") as lines:
        for line in lines:
            line = line.strip()
            if line.startswith("{"):
                try:
                    yield Checkpoint.from_line(line)
                except ValueError as error:
                    yield error


class _LogIndex:
    """The checkpoint log of one chain, held as the first 64 bits of each logged hash by
    entry number (8 bytes an entry: a million entries take 8 MB), and its newest line."""

    def __init__(self, chain: str, limit: int) -> None:
        self.chain = chain
        self.prefixes = array("Q", bytes(8 * (limit + 1)))
        self.newest: Checkpoint | None = None
        self.damaged: list[str] = []

    @classmethod
    def read(cls, chain: str, limit: int) -> _LogIndex:
        index = cls(chain, limit)
        for number, item in enumerate(checkpoints_read(checkpoint_log_path()), start=1):
            if isinstance(item, ValueError):
                index.damaged.append(f"checkpoint log line {number} is damaged")
                continue
            if item.chain != chain:
                continue
            if index.newest is None or item.count >= index.newest.count:
                index.newest = item
            if 0 < item.count <= limit:
                index.prefixes[item.count] = _prefix(item.head)
        return index

    def agrees(self, sequence: int, hash_hex: str) -> bool:
        if not 0 < sequence < len(self.prefixes):
            return True
        logged = self.prefixes[sequence]
        return logged == 0 or logged == _prefix(hash_hex)

    def line_of(self, sequence: int) -> Checkpoint | None:
        found = None
        for item in checkpoints_read(checkpoint_log_path()):
            if isinstance(item, Checkpoint) and (item.chain, item.count) == (self.chain, sequence):
                found = item
        return found


def _prefix(hash_hex: str) -> int:
    try:
        return int(hash_hex[:16], 16) or 1
    except ValueError:
        return 1
