"""The audit trail: an append-only, hash-chained list of events.

Each event stores the SHA-256 of its canonical content, which includes the previous event's
hash, so changing, removing or reordering any row breaks every hash after it.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


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


class AuditEvent(AppendOnlyModel):
    sequence = models.BigIntegerField(_("number"), primary_key=True)
    occurred_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    object_repr = models.CharField(_("object"), max_length=255, blank=True)
    customer_code = models.CharField(_("customer code"), max_length=32, blank=True)
    purpose = models.CharField(_("purpose"), max_length=255, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_repr}"

    def canonical_content(self) -> bytes:
        """The bytes the hash covers: every field but the hash itself, in a fixed form."""
        content = {
            "sequence": self.sequence,
            "occurred_at": self.occurred_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "object_repr": self.object_repr,
            "customer_code": self.customer_code,
            "purpose": self.purpose,
            "data": self.data,
            "previous_hash": self.previous_hash,
        }
        return json.dumps(
            content, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str
        ).encode("utf-8")

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_content()).hexdigest()


class AuditChainHead(models.Model):
    """One row holding the newest event's hash; locking it serialises appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"head #{self.last_sequence}"
