"""The audit trail: an append-only, hash-chained list of events.

Each event stores the SHA-256 of its canonical content, which includes the previous event's
hash, so changing, removing or reordering any row breaks every hash after it.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from records_dms.common.chain import (
    GENESIS_HASH,
    AppendOnlyError,
    AppendOnlyModel,
    AppendOnlyQuerySet,
    ChainHead,
    canonical,
)

# The chain itself lives in records_dms.common.chain (the register uses the same one); the
# names below stay importable from here.
__all__ = [
    "GENESIS_HASH",
    "AppendOnlyError",
    "AppendOnlyModel",
    "AppendOnlyQuerySet",
    "AuditChainHead",
    "AuditEvent",
]


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
        return canonical(content)

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_content()).hexdigest()


class AuditChainHead(ChainHead):
    """One row holding the newest event's number and hash, signed with the server key."""

    class Meta(ChainHead.Meta):
        pass

    def __str__(self) -> str:
        return f"head #{self.last_sequence}"
