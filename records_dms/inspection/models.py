"""Four-property checks (四性检测, DA/T 70-2018): one Inspection per run over a batch of
records, one InspectionResult per record and check item (and per batch-wide item)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from records_dms.archive.models import Customer, Record


class Occasion(models.TextChoices):
    FILING = "filing", _("At filing")
    TRANSFER = "transfer", _("At transfer")
    SCHEDULE = "schedule", _("Scheduled")
    MANUAL = "manual", _("On demand")


class Property(models.TextChoices):
    AUTHENTICITY = "authenticity", _("Authenticity")
    INTEGRITY = "integrity", _("Integrity")
    USABILITY = "usability", _("Usability")
    SECURITY = "security", _("Security")


class Outcome(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Inspection(models.Model):
    occasion = models.CharField(_("occasion"), max_length=16, choices=Occasion.choices)
    started_at = models.DateTimeField(_("started at"), db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("run by"),
    )
    actor_name = models.CharField(_("run by"), max_length=150, blank=True)
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("customer"),
    )
    records = models.ManyToManyField(Record, related_name="inspections", verbose_name=_("records"))
    record_count = models.PositiveIntegerField(_("records"), default=0)
    total_bytes = models.BigIntegerField(_("total bytes"), default=0)
    expected_count = models.PositiveIntegerField(_("expected records"), null=True, blank=True)
    expected_bytes = models.BigIntegerField(_("expected bytes"), null=True, blank=True)
    passed = models.PositiveIntegerField(_("passed"), default=0)
    failed = models.PositiveIntegerField(_("failed"), default=0)
    not_applicable = models.PositiveIntegerField(_("not applicable"), default=0)
    faulty_records = models.PositiveIntegerField(_("records with faults"), default=0)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("four-property check")
        verbose_name_plural = _("four-property checks")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_occasion_display()} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def without_faults(self) -> bool:
        return self.failed == 0


class InspectionResult(models.Model):
    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="results", verbose_name=_("check")
    )
    # Null for an item about the whole batch (its item count and total bytes).
    record = models.ForeignKey(
        Record,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection_results",
        verbose_name=_("record"),
    )
    code = models.CharField(_("item code"), max_length=16)
    property = models.CharField(_("property"), max_length=16, choices=Property.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["inspection", "record", "pk"]
        verbose_name = _("check result")
        verbose_name_plural = _("check results")
        indexes = [
            models.Index(fields=["record", "inspection"]),
            models.Index(fields=["inspection", "outcome"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.outcome}"
