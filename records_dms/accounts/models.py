"""Clearances and grants: what a user may see beyond what the role allows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from records_dms.accounts.roles import Confidentiality


class Clearance(models.Model):
    """The highest confidentiality level a user may read; internal when absent."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="clearance"
    )
    level = models.CharField(
        _("clearance"),
        max_length=16,
        choices=Confidentiality.choices,
        default=Confidentiality.INTERNAL,
    )

    class Meta:
        verbose_name = _("clearance")
        verbose_name_plural = _("clearances")

    def __str__(self) -> str:
        return f"{self.user} ≤ {self.level}"


class Grant(models.Model):
    """Access of one staff member to one customer's dossier."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="grants",
        verbose_name=_("user"),
    )
    customer = models.ForeignKey(
        "archive.Customer",
        on_delete=models.CASCADE,
        related_name="grants",
        verbose_name=_("customer"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.UniqueConstraint(fields=["user", "customer"], name="one_grant_per_customer")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.customer}"


class LoginFailure(models.Model):
    """A failed sign-in, kept for throttling (accounts/throttle.py); old rows are pruned."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("failed sign-in")
        verbose_name_plural = _("failed sign-ins")

    def __str__(self) -> str:
        return f"{self.username} {self.at:%Y-%m-%d %H:%M}"
