"""One hash chain for the audit trail and the checkout register.

Each entry stores the SHA-256 of its canonical content, which includes the previous entry's
hash, so changing, removing or reordering a row breaks the chain at that row. That alone does
not catch someone with write access to the database who deletes the newest entries and moves
the head back, or rewrites an entry and recomputes every hash after it. Two anchors do:

- the **head** (count and newest hash) is signed with the server's Ed25519 key at every append;
  moving it back or rewriting it needs the key, which the database does not hold;
- a **checkpoint** (chain, count, head, signature) is appended to a log file outside the
  database after every commit that grew a chain (``$DMS_DATA_DIR/chain-checkpoints.log``;
  records_dms/common/checkpoints.py); the same lines go in every backup and in the daily e-mail
  to compliance officers, and ``dms verify --checkpoint`` checks any of them. A replayed old
  head signature is caught by a later checkpoint.

What no checkpoint can catch: entries appended and then removed before their checkpoint line
was written (a process killed between its commit and the file write), and an attacker who holds
both the database and the signing key and the log file.

Rows that are not in a chain themselves (certificates, destruction lists, loans) are *sealed*:
the chain entry written when they change carries a digest of each of their fields (``seal``),
and verification recomputes it from the current row (``seal_diff``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from django.db import models, transaction
from django.utils import timezone

from records_dms.common import signing
from records_dms.common.checkpoints import (
    Checkpoint,
    _head_message,
    _LogIndex,
    checkpoint_append,
)

GENESIS_HASH = "0" * 64


# Append-only rows ------------------------------------------------------------------------------


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a row of an append-only chain."""


def _refuse(model: Any, what: str) -> AppendOnlyError:
    return AppendOnlyError(f"{model._meta.verbose_name_plural} cannot be {what}")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Bulk update and delete refused: a chain only grows (the audit trail, the register)."""

    def update(self, **kwargs: Any) -> int:
        raise _refuse(self.model, "updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse(self.model, "deleted")

    def _raw_delete(self, using: Any) -> int:
        raise _refuse(self.model, "deleted")


class AppendOnlyModel(models.Model):
    """A row that is written once: saving an existing row or deleting one is refused."""

    objects: ClassVar[models.Manager[Any]] = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise _refuse(self, "updated")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse(self, "deleted")


class ChainHead(models.Model):
    """One row holding the newest entry's number and hash, signed; locking it serialises
    appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    key_id = models.CharField(max_length=16, blank=True, default="")
    signature = models.CharField(max_length=128, blank=True, default="")

    class Meta:
        abstract = True
        default_permissions = ()


# Hashing ---------------------------------------------------------------------------------------


def canonical(content: Any) -> bytes:
    """The fixed byte form a hash covers: sorted keys, no spaces, UTF-8."""
    return json.dumps(
        content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
    ).encode("utf-8")


def sha256_hex(content: Any) -> str:
    return hashlib.sha256(canonical(content)).hexdigest()


def normalised(data: Mapping[str, Any]) -> dict[str, Any]:
    """Round-trip through JSON so a hash covers exactly what the database gives back."""
    result: dict[str, Any] = json.loads(json.dumps(data, ensure_ascii=False, default=str))
    return result


# Seals of rows outside the chain ----------------------------------------------------------------


def _field_digest(value: Any) -> str:
    return sha256_hex(value)[:32]


def _digests(content: Mapping[str, Any]) -> dict[str, str]:
    """One digest per field; a field holding a dict (an item of a list) gives one per
    sub-field, named ``"item 4.reference"``, so that a finding names the very field."""
    digests = {}
    for key, value in content.items():
        if isinstance(value, Mapping):
            digests.update({f"{key}.{sub}": _field_digest(v) for sub, v in value.items()})
        else:
            digests[key] = _field_digest(value)
    return digests


def seal(kind: str, obj_id: object, name: str, content: Mapping[str, Any]) -> dict[str, Any]:
    """What a chain entry keeps of a row: its kind, id, name and a digest of each field."""
    return {"kind": kind, "id": str(obj_id), "name": name, "fields": _digests(content)}


def seal_diff(fields: Mapping[str, str], content: Mapping[str, Any]) -> list[str]:
    """What differs between a sealed row and its current ``content``, field by field; a
    part (an item, an approval) gone or added as a whole is named once."""
    current = _digests(content)
    deleted = {key for key in fields if key not in current}
    added = {key for key in current if key not in fields}
    changed = {key for key in fields.keys() & current.keys() if fields[key] != current[key]}
    problems = [f"{key} changed" for key in changed]
    for keys, known, verb in ((deleted, fields, "deleted"), (added, current, "added")):
        parts = {key.partition(".")[0] for key in keys if "." in key}
        for part in parts:
            whole = {key for key in known if key.startswith(f"{part}.")}
            if whole <= keys:
                problems.append(f"{part} {verb}")
                keys = keys - whole
        problems += [f"{key} {verb}" for key in keys]
    return sorted(problems, key=_natural)


def _natural(text: str) -> list[tuple[int, int | str]]:
    """Order "witness 9" before "witness 10", as a reader counts, not as bytes compare."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text)]


# The chain -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChainFinding:
    sequence: int | None
    problem: str

    def __str__(self) -> str:
        where = f"#{self.sequence}" if self.sequence is not None else "chain head"
        return f"{where}: {self.problem}"


EntryCheck = Callable[[Any], list[str]]


@dataclass(frozen=True)
class HashChain:
    """An append-only, hash-chained table with a signed head and checkpoints outside the
    database. ``entry`` has ``sequence``, ``previous_hash``, ``hash`` and ``compute_hash()``;
    with ``sign_entries`` also ``key_id`` (covered by the hash) and ``signature``."""

    name: str
    noun: str  # "events", "entries": for the findings
    entry: type[models.Model]
    head: type[ChainHead]
    sign_entries: bool = False

    def append(self, build: Callable[[int, str], Any]) -> Any:
        """Build the next entry from (its number, the previous hash), hash it, sign it and
        the new head, save both inside the caller's transaction; the checkpoint line follows
        the commit."""
        with transaction.atomic():
            head, _created = self.head._default_manager.select_for_update().get_or_create(id=1)
            entry = build(head.last_sequence + 1, head.last_hash)
            entry.hash = entry.compute_hash()
            if self.sign_entries:
                key_id, entry.signature = signing.sign(entry.hash.encode("ascii"))
                assert key_id == entry.key_id, "the entry names the key that signs it"
            entry.save(force_insert=True)
            checkpoint = Checkpoint.signed(self.name, entry.sequence, entry.hash)
            self.head._default_manager.filter(id=1).update(
                last_sequence=entry.sequence,
                last_hash=entry.hash,
                key_id=checkpoint.key_id,
                signature=checkpoint.signature,
            )
            transaction.on_commit(partial(checkpoint_append, checkpoint))
        return entry

    def head_checkpoint(self) -> Checkpoint | None:
        """The current head as a checkpoint (for the daily e-mail and backups)."""
        head = self.head._default_manager.filter(id=1).first()
        if head is None or not head.signature:
            return None
        return Checkpoint(
            self.name,
            head.last_sequence,
            head.last_hash,
            timezone.now().isoformat(),
            head.key_id,
            head.signature,
        )

    def _entries(self) -> Iterator[Any]:
        return self.entry._default_manager.order_by("sequence").iterator(chunk_size=2000)

    def verify(
        self,
        *,
        checkpoints: Iterable[Checkpoint] = (),
        entry_check: EntryCheck | None = None,
    ) -> list[ChainFinding]:
        """Every entry, the signed head, every line of the checkpoint log and each checkpoint
        given (from a backup or an e-mail)."""
        findings: list[ChainFinding] = []
        anchors = [c for c in checkpoints if c.chain == self.name]
        head = self.head._default_manager.filter(id=1).first()
        newest = self.entry._default_manager.aggregate(n=models.Max("sequence"))["n"] or 0
        log = _LogIndex.read(self.name, max(newest, head.last_sequence if head else 0))
        findings += [ChainFinding(None, problem) for problem in log.damaged]
        wanted = {c.count for c in anchors}
        seen: dict[int, str] = {}
        rewritten: list[int] = []
        keys: dict[str, Any] | None = None  # loaded when needed: no key is made for nothing
        previous_hash, expected, last = GENESIS_HASH, 1, 0
        for entry in self._entries():
            seq = entry.sequence
            if seq != expected:
                findings.append(ChainFinding(seq, f"expected {self.noun[:-1]} #{expected} here"))
            if entry.previous_hash != previous_hash:
                findings.append(
                    ChainFinding(seq, f"previous hash does not match the {self.noun[:-1]} before")
                )
            if entry.compute_hash() != entry.hash:
                findings.append(ChainFinding(seq, "content does not match its hash"))
            if self.sign_entries:
                keys = keys if keys is not None else signing.trusted_keys()
                key = keys.get(entry.key_id)
                if key is None:
                    findings.append(ChainFinding(seq, "signed by a key that is not trusted"))
                elif not signing.signature_valid(key, entry.hash.encode("ascii"), entry.signature):
                    findings.append(ChainFinding(seq, "server signature does not verify"))
            if entry_check is not None:
                findings += [ChainFinding(seq, problem) for problem in entry_check(entry)]
            if not log.agrees(seq, entry.hash):
                rewritten.append(seq)
            if seq in wanted:
                seen[seq] = entry.hash
            previous_hash, expected, last = entry.hash, seq + 1, seq
        if last or anchors or log.newest is not None:
            keys = keys if keys is not None else signing.trusted_keys()
        findings += self._head_findings(head, last, previous_hash, keys or {})
        findings += self._log_findings(log, rewritten, last, keys or {})
        findings += self._anchor_findings(anchors, seen, last, keys or {})
        return findings

    def _head_findings(
        self, head: ChainHead | None, last: int, last_hash: str, keys: dict[str, Any]
    ) -> list[ChainFinding]:
        if head is None:
            return [ChainFinding(None, "the chain head is missing")] if last else []
        findings = []
        if head.last_sequence > last:
            missing = head.last_sequence - last
            findings.append(
                ChainFinding(
                    None,
                    f"{missing} {self.noun} missing after the last one found (#{last}); "
                    f"the head names #{head.last_sequence}",
                )
            )
        elif head.last_sequence < last:
            findings.append(
                ChainFinding(
                    None,
                    f"the head names #{head.last_sequence} but the {self.noun} go on to #{last}",
                )
            )
        elif head.last_hash != last_hash:
            findings.append(ChainFinding(None, f"the head's hash is not the hash of #{last}"))
        if head.last_sequence == 0 and last == 0:
            return findings
        message = _head_message(self.name, head.last_sequence, head.last_hash)
        key = keys.get(head.key_id)
        if not head.signature:
            findings.append(ChainFinding(None, "the chain head is not signed"))
        elif key is None:
            findings.append(ChainFinding(None, "the chain head is signed by a key not trusted"))
        elif not signing.signature_valid(key, message, head.signature):
            findings.append(
                ChainFinding(
                    None,
                    "the chain head's server signature does not verify: the head was moved "
                    "or the chain rewritten without the server key",
                )
            )
        return findings

    def _log_findings(
        self, log: _LogIndex, rewritten: list[int], last: int, keys: dict[str, Any]
    ) -> list[ChainFinding]:
        findings = []
        if log.newest is not None and log.newest.count > last:
            newest = log.newest
            findings.append(
                ChainFinding(
                    None,
                    f"truncated: the checkpoint of {newest.at} names #{newest.count}, "
                    f"the {self.noun} end at #{last} ({newest.count - last} {self.noun} deleted)"
                    + ("" if newest.valid(keys) else " (that checkpoint's signature is invalid)"),
                )
            )
        if rewritten:
            first = log.line_of(rewritten[0])
            if first is not None and not first.valid(keys):
                problem = "its line in the checkpoint log is forged or damaged"
            else:
                problem = "differs from its checkpoint: rewritten"
                if len(rewritten) > 1:
                    problem += f", and the hashes of {len(rewritten) - 1} later ones recomputed"
            findings.append(ChainFinding(rewritten[0], problem))
        return findings

    def _anchor_findings(
        self,
        anchors: list[Checkpoint],
        seen: dict[int, str],
        last: int,
        keys: dict[str, Any],
    ) -> list[ChainFinding]:
        findings = []
        for anchor in anchors:
            if not anchor.valid(keys):
                findings.append(
                    ChainFinding(None, f"the checkpoint of {anchor.at} has no valid signature")
                )
            elif anchor.count > last:
                findings.append(
                    ChainFinding(
                        None,
                        f"truncated: the checkpoint of {anchor.at} names #{anchor.count}, "
                        f"the {self.noun} end at #{last} "
                        f"({anchor.count - last} {self.noun} deleted)",
                    )
                )
            elif seen.get(anchor.count) != anchor.head:
                findings.append(
                    ChainFinding(
                        anchor.count,
                        f"not the {self.noun[:-1]} the checkpoint of {anchor.at} names: rewritten",
                    )
                )
        return findings
