"""An ingestion job: one file on its way into a dossier, with a state a clerk can watch."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from records_dms.accounts.roles import Confidentiality


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    PROCESSING = "processing", _("Processing")
    FILED = "filed", _("Filed")
    DUPLICATE = "duplicate", _("Duplicate")
    REJECTED = "rejected", pgettext_lazy("upload", "Rejected")
    FAILED = "failed", _("Failed")


FINAL = (JobStatus.FILED, JobStatus.DUPLICATE, JobStatus.REJECTED)


class IngestionJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    batch = models.UUIDField(_("batch"), default=uuid.uuid4, db_index=True)
    customer = models.ForeignKey(
        "archive.Customer",
        on_delete=models.PROTECT,
        related_name="ingestion_jobs",
        verbose_name=_("customer"),
    )
    record_type = models.CharField(_("record type"), max_length=24)
    title = models.CharField(_("title"), max_length=300, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=16,
        choices=Confidentiality.choices,
        default=Confidentiality.INTERNAL,
    )
    channel = models.CharField(_("channel"), max_length=16, default="upload")
    fields = models.JSONField(_("other metadata"), default=dict, blank=True)
    parent = models.ForeignKey(
        "archive.Record",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("attached to"),
    )
    depth = models.PositiveSmallIntegerField(default=0)
    original_name = models.CharField(_("file name"), max_length=255)
    spool_path = models.CharField(max_length=500, blank=True)
    size = models.BigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    mime_type = models.CharField(_("file type"), max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=JobStatus.choices,
        default=JobStatus.QUEUED,
        db_index=True,
    )
    reason = models.TextField(_("reason"), blank=True)
    record = models.ForeignKey(
        "archive.Record",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ingestion_jobs",
        verbose_name=_("record"),
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("ingestion job")
        verbose_name_plural = _("ingestion jobs")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.status})"
