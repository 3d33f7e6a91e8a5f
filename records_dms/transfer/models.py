"""The transfer register (移交登记): one entry per transfer sent or received."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    EXPORT = "export", _("Sent")
    IMPORT = "import", _("Received")


class TransferEntry(models.Model):
    """Who handed over (or took in) which records, when, and the digest of its 移交清单."""

    number = models.CharField(_("transfer number"), max_length=48)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(_("by"), max_length=150)
    occurred_at = models.DateTimeField(_("when"), auto_now_add=True)
    scope = models.CharField(_("scope"), max_length=100)
    path = models.CharField(_("folder"), max_length=500)
    digest = models.CharField(_("SHA-256 of the transfer list"), max_length=64, db_index=True)
    packages = models.PositiveIntegerField(_("packages"))
    records = models.PositiveIntegerField(_("records"))
    pages = models.PositiveIntegerField(_("pages"))
    bytes = models.BigIntegerField(_("bytes of the originals"))
    signer_key = models.CharField(_("signing key"), max_length=16)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfer register")
        constraints = [
            # A transfer list is received once (a second import is refused, not merged).
            models.UniqueConstraint(
                fields=["digest"],
                condition=models.Q(direction="import"),
                name="transfer_received_once",
            ),
            models.UniqueConstraint(fields=["number", "direction"], name="transfer_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.direction})"
