"""Legal holds (冻结): a held record is never destroyed."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from records_dms.archive.models import Customer, Record, Volume


class HoldScope(models.TextChoices):
    RECORD = "record", _("Record")
    VOLUME = "volume", _("Volume")
    CUSTOMER = "customer", _("Customer")
    QUERY = "query", _("Search")


class LegalHold(models.Model):
    """冻结: while active, nothing it covers may be proposed, approved or destroyed."""

    scope = models.CharField(_("scope"), max_length=16, choices=HoldScope.choices)
    reason = models.CharField(_("reason"), max_length=300)
    customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    volume = models.ForeignKey(
        Volume, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    query = models.CharField(_("search"), max_length=300, blank=True)
    # Record holds and the result of a search at placing time; volume and customer holds also
    # cover what is filed into them later, so they are resolved when asked.
    records = models.ManyToManyField(Record, blank=True, related_name="holds")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lift_reason = models.CharField(_("reason for lifting"), max_length=300, blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_scope_display()}: {self.reason}"

    @property
    def active(self) -> bool:
        return self.lifted_at is None
