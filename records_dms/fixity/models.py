"""Fixity: when each stored original was last re-hashed, and one row per daily run."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FixityCheck(models.Model):
    """The last re-hash of one record's stored original."""

    record = models.OneToOneField(
        "archive.Record",
        on_delete=models.CASCADE,
        related_name="fixity",
        verbose_name=_("record"),
    )
    checked_at = models.DateTimeField(_("checked at"), db_index=True)
    ok = models.BooleanField(_("intact"), default=True)
    problem = models.CharField(_("problem"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("fixity check")
        verbose_name_plural = _("fixity checks")

    def __str__(self) -> str:
        return f"{self.record_id}: {'ok' if self.ok else self.problem}"


class FixityRun(models.Model):
    """One day's share of the originals was checked (at most one run per day)."""

    day = models.DateField(_("day"), unique=True)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    checked = models.PositiveIntegerField(_("originals checked"), default=0)
    problems = models.PositiveIntegerField(_("problems found"), default=0)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("fixity run")
        verbose_name_plural = _("fixity runs")

    def __str__(self) -> str:
        return f"{self.day}: {self.checked} checked, {self.problems} problems"


class CheckpointMail(models.Model):
    """The chains' signed checkpoints were e-mailed to the compliance officers that day (one
    row a day, written before the e-mail goes, so that several workers send it once)."""

    day = models.DateField(_("day"), unique=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    lines = models.TextField(_("checkpoints"), blank=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("checkpoint e-mail")
        verbose_name_plural = _("checkpoint e-mails")

    def __str__(self) -> str:
        return str(self.day)
