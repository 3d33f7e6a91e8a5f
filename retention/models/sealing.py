"""Sealed dossiers (封存) and deletion requests of personal information."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from records_dms.archive.models import Customer
from retention.models.destruction import DestructionRequest


class DossierSeal(models.Model):
    """封存: while active, the dossier is closed to all but compliance officers and auditors."""

    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="seals", verbose_name=_("customer")
    )
    reason = models.CharField(_("reason"), max_length=300)
    sealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sealed_at = models.DateTimeField(_("sealed at"), auto_now_add=True)
    unsealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    unsealed_at = models.DateTimeField(_("unsealed at"), null=True, blank=True)
    unseal_reason = models.CharField(_("reason for unsealing"), max_length=300, blank=True)

    class Meta:
        ordering = ["-sealed_at", "-id"]
        verbose_name = _("seal")
        verbose_name_plural = _("seals")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(unsealed_at__isnull=True),
                name="one_active_seal_per_customer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer.code}: {self.reason}"

    @property
    def active(self) -> bool:
        return self.unsealed_at is None


class DeletionState(models.TextChoices):
    RECEIVED = "received", _("Received")
    ANSWERED = "answered", _("Answered")


class DeletionRequest(models.Model):
    """删除请求: a customer asks for its data to be deleted; the answer destroys what no
    retention obligation covers, seals the rest and says why and until when in a letter."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        related_name="deletion_requests",
        verbose_name=_("customer"),
    )
    received_on = models.DateField(_("received on"))
    requester = models.CharField(_("requested by"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=DeletionState.choices, default=DeletionState.RECEIVED
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    destruction = models.ForeignKey(
        DestructionRequest,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deletion_requests",
        verbose_name=_("destruction request"),
    )
    # One row per record at answering time: reference, type, title, decision, why, until.
    answer = models.JSONField(_("answer"), default=list, blank=True)
    letter_key = models.CharField(max_length=200, blank=True)
    letter_sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("deletion request")
        verbose_name_plural = _("deletion requests")

    def __str__(self) -> str:
        return f"{self.number} {self.customer.code}"
