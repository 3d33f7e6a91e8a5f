"""`dms backup DIR` and `dms restore DIR`: the whole archive as a BagIt bag, and back.

The bag holds ``data/database.json`` (every row of the project's own apps, the audit chain and
its head included, plus users and their tokens), ``data/files/`` (every object in the file
storage: originals, renditions, certificates, signatures), ``data/keys/`` (the public parts
of the signing keys) and ``data/chain-checkpoints.log`` (the signed checkpoints of the audit
chain and the register, the heads of the moment included), each with a SHA-256 in the bag's
manifest. A restore goes into an empty deployment of either size (SQLite or PostgreSQL, local
folder or S3) and reindexes search; ``dms verify`` passes afterwards.
"""

from __future__ import annotations

import datetime
import json
import logging
import shutil
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Model

from records_dms.fixity.events import BACKUP_RESTORED, BACKUP_WRITTEN

DATABASE_FILE = "database.json"
FILES_DIR = "files"
KEYS_DIR = "keys"
CHECKPOINTS_FILE = "chain-checkpoints.log"
# Models of other apps that belong to the archive (who the people are, their API tokens).
EXTRA_MODELS = ["auth.user", "authtoken.token"]
# Spooled uploads in flight and page images (drawn again on demand) are not part of the archive.
SKIPPED_PREFIXES = ("spool/", "page-images/")


# bagit narrates every file at INFO; the summary is ours to print.
logging.getLogger("bagit").setLevel(logging.WARNING)


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


@dataclass(frozen=True)
class Summary:
    path: str
    objects: int
    files: int
    bytes: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# The top-level packages whose apps hold the archive's own data.
PROJECT_PACKAGES = {"records_dms", "ingestion", "retention", "lending", "reports", "search"}


def project_models() -> list[str]:
    """``app_label`` of every installed app of this project (not a library), plus extras."""
    labels = [
        config.label
        for config in apps.get_app_configs()
        if config.name.split(".")[0] in PROJECT_PACKAGES and config.models_module is not None
    ]
    return labels + EXTRA_MODELS


def storage_keys(prefix: str = "") -> Iterator[str]:
    """Every object in the default storage (local folder or bucket), depth first."""
    try:
        folders, files = default_storage.listdir(prefix)
    except FileNotFoundError:  # a local folder nothing was ever stored in
        return
    for name in sorted(files):
        key = f"{prefix}{name}"
        if not key.startswith(SKIPPED_PREFIXES):
            yield key
    for folder in sorted(folders):
        if f"{prefix}{folder}/".startswith(SKIPPED_PREFIXES):
            continue
        yield from storage_keys(f"{prefix}{folder}/")


class FullPrecisionEncoder(DjangoJSONEncoder):
    """Times with their microseconds: Django's encoder cuts them to milliseconds, and the
    audit chain's hashes cover the exact time of each event."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _models() -> list[type[Model]]:
    chosen: list[type[Model]] = []
    for label in project_models():
        if "." in label:
            chosen.append(apps.get_model(label))
        else:
            chosen += [m for m in apps.get_app_config(label).get_models() if m._meta.managed]
    ordered: list[type[Model]] = serializers.sort_dependencies(
        [(apps.get_app_config(m._meta.app_label), [m]) for m in chosen]
    )
    return ordered


def database_dump(path: Path) -> int:
    """Every row of the archive's models as JSON (dumpdata's format); how many objects."""
    count = 0

    def rows() -> Iterator[Model]:
        nonlocal count
        for model in _models():
            for row in model._base_manager.order_by("pk").iterator(chunk_size=2000):
                count += 1
                yield row

    with path.open("w", encoding="utf-8") as stream:
        serializers.serialize(
            "json",
            rows(),
            stream=stream,
            use_natural_foreign_keys=True,
            cls=FullPrecisionEncoder,
        )
    return count


def _public_keys(folder: Path) -> None:
    """The public parts of the signing keys (never a private key): the checkout register's
    Ed25519 key and the destruction certificates' X.509 certificate, for checking old
    signatures after a restore (DMS_REGISTER_TRUSTED_KEYS takes the register key)."""
    from records_dms.common.signing import public_key_hex
    from retention.signing import signing_files

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "register-public-key.hex").write_text(public_key_hex() + "\n", encoding="ascii")
    certificate = signing_files().cert
    shutil.copyfile(certificate, folder / "certificate-signing-cert.pem")


def _checkpoints_copy(target: Path) -> None:
    """The chain checkpoint log (after the heads as they are now), so that the bag is an
    anchor of its own: ``dms verify --checkpoint BAG/data/chain-checkpoints.log``."""
    from records_dms.audit.services import AUDIT_CHAIN
    from records_dms.common.checkpoints import checkpoint_log_path
    from records_dms.lending.register import REGISTER_CHAIN

    log = checkpoint_log_path()
    lines = log.read_text(encoding="utf-8") if log.exists() else ""
    for chain in (AUDIT_CHAIN, REGISTER_CHAIN):
        head = chain.head_checkpoint()
        if head is not None:
            lines += head.line() + "\n"
    (target / CHECKPOINTS_FILE).write_text(lines, encoding="utf-8")


def _checkpoints_restore(payload: Path) -> None:
    """The backup's checkpoint lines join this deployment's log: the restored chains must
    still agree with them."""
    from records_dms.common.checkpoints import checkpoint_log_path

    source = payload / CHECKPOINTS_FILE
    if source.exists():
        with checkpoint_log_path().open("a", encoding="utf-8") as log:
            log.write(source.read_text(encoding="utf-8"))


def backup_write(target: Path, *, actor: Any = None) -> Summary:
    """Write the archive to ``target`` (a new or empty folder) as a BagIt bag."""
    import bagit

    from records_dms.audit.services import audit_log

    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty; a backup goes into a new folder")
    target.mkdir(parents=True, exist_ok=True)
    with transaction.atomic():
        audit_log(action=BACKUP_WRITTEN, actor=actor, data={"path": str(target)})
    database = target / DATABASE_FILE
    objects = database_dump(database)
    files = size = 0
    for key in storage_keys():
        destination = target / FILES_DIR / key
        destination.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(key, "rb") as source, destination.open("wb") as out:
            shutil.copyfileobj(source, out, 1024 * 1024)
        files += 1
        size += destination.stat().st_size
    _public_keys(target / KEYS_DIR)
    _checkpoints_copy(target)
    bagit.make_bag(
        str(target),
        bag_info={
            "Source-Organization": "records-dms",
            "External-Description": "records-dms archive: database content and stored files",
            "Bagging-Date": datetime.date.today().isoformat(),
            "Payload-Objects": str(objects),
        },
        checksums=["sha256"],
    )
    return Summary(path=str(target), objects=objects, files=files, bytes=size)


def _deployment_is_empty() -> bool:
    from records_dms.archive.models import Customer, Record
    from records_dms.audit.models import AuditEvent

    has_rows = Customer.objects.exists() or Record.objects.exists() or AuditEvent.objects.exists()
    return not has_rows and next(storage_keys(), None) is None


def _forget_seeded_rows() -> None:
    """Rows that migrations seed (the default retention schedules) give way to the backup's,
    which carry the archive's own edits under the same codes."""
    from retention.models import RetentionSchedule

    RetentionSchedule.objects.all().delete()


def backup_restore(source: Path) -> Summary:
    """Load a bag into this (empty, migrated) deployment, then rebuild the search index."""
    import bagit

    from records_dms.archive.indexing import search_rebuild
    from records_dms.audit.services import audit_log

    try:
        bag = bagit.Bag(str(source))
        bag.validate()
    except (bagit.BagError, bagit.BagValidationError) as error:
        raise BackupError(f"{source} is not a valid backup: {error}") from error
    payload = Path(source) / "data"
    if not _deployment_is_empty():
        raise BackupError("this deployment already holds an archive; restore into an empty one")
    database = payload / DATABASE_FILE
    from records_dms.accounts.signals import roles_loading

    with transaction.atomic(), roles_loading():
        _forget_seeded_rows()
        call_command("loaddata", str(database), verbosity=0)
    files = size = 0
    root = payload / FILES_DIR
    for path in sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []:
        key = path.relative_to(root).as_posix()
        with path.open("rb") as handle:
            saved = default_storage.save(key, File(handle, name=key))
        if saved != key:
            raise BackupError(f"{key}: the storage kept it as {saved}")
        files += 1
        size += path.stat().st_size
    from retention.locks import locks_reapply

    # On S3 the objects were written with the minimum lock: each original is locked through
    # its record's due date again, and held records get their legal-hold flag.
    locks_reapply()
    _checkpoints_restore(payload)
    search_rebuild()
    objects = len(json.loads(database.read_text(encoding="utf-8")))
    with transaction.atomic():
        audit_log(action=BACKUP_RESTORED, data={"path": str(source), "objects": objects})
    return Summary(path=str(source), objects=objects, files=files, bytes=size)
