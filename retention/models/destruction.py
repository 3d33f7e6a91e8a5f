"""Destruction requests (销毁申请): approvals, items, witnesses and the certificate (销毁记录)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from records_dms.archive.models import Record, RecordType


class RequestState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", pgettext_lazy("destruction request", "Rejected")
    EXECUTING = "executing", _("Executing")
    COMPLETED = "completed", _("Completed")


OPEN_STATES = (RequestState.SUBMITTED, RequestState.APPROVED, RequestState.EXECUTING)


class DestructionRequest(models.Model):
    """销毁申请: a list of due records, proposed by a clerk, approved by someone else."""

    number = models.CharField(_("number"), max_length=32, unique=True)
    state = models.CharField(
        _("state"), max_length=16, choices=RequestState.choices, default=RequestState.SUBMITTED
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    approvals_required = models.PositiveSmallIntegerField(default=1)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    execution_started_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=100, blank=True)
    paper_method = models.CharField(_("method for paper originals"), max_length=100, blank=True)
    witness = models.CharField(_("witness"), max_length=100, blank=True)

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = _("destruction request")
        verbose_name_plural = _("destruction requests")

    def __str__(self) -> str:
        return self.number


class DestructionApproval(models.Model):
    """One approver's decision; the database itself refuses the proposer as approver."""

    request = models.ForeignKey(
        DestructionRequest, on_delete=models.PROTECT, related_name="approvals"
    )
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["approved_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(approver=F("proposer")), name="approver_is_not_proposer"
            ),
            models.UniqueConstraint(fields=["request", "approver"], name="one_approval_each"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} approved by {self.approver_id}"


class ItemState(models.TextChoices):
    PENDING = "pending", _("Pending")
    PURGING = "purging", _("Being destroyed")
    DESTROYED = "destroyed", _("Destroyed")
    SKIPPED = "skipped", _("Not destroyed")


class DestructionItem(models.Model):
    """One record of a request, with what its tombstone keeps once it is destroyed."""

    request = models.ForeignKey(DestructionRequest, on_delete=models.PROTECT, related_name="items")
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="destruction_items")
    state = models.CharField(
        _("state"), max_length=16, choices=ItemState.choices, default=ItemState.PENDING
    )
    skip_reason = models.CharField(_("why not destroyed"), max_length=300, blank=True)
    reference = models.CharField(_("file reference number"), max_length=48)
    record_type = models.CharField(_("record type"), max_length=24)
    title = models.CharField(_("title"), max_length=300)
    document_date = models.DateField(_("document date"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    original_key = models.CharField(max_length=200, blank=True)
    rendition_key = models.CharField(max_length=200, blank=True)
    paper = models.BooleanField(_("paper original"), default=False)
    # For the destruction inventory (销毁清册), kept from the proposal on; empty on lists
    # proposed before they were recorded (filled when execution starts).
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    retention_period = models.CharField(_("retention period"), max_length=100, blank=True)
    # The S3 object versions removed (original's first), listed before anything is deleted;
    # empty on the local folder. The certificate names them.
    version_ids = models.JSONField(_("storage versions removed"), default=list, blank=True)
    destroyed_at = models.DateTimeField(_("destroyed at"), null=True, blank=True)

    class Meta:
        ordering = ["request", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["request", "record"], name="record_once_per_request")
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.reference}"

    def type_label(self) -> str:
        return str(dict(RecordType.choices).get(self.record_type, self.record_type))


class DestructionWitness(models.Model):
    """监销人: a person who watched the destruction and signed the inventory by hand. Either an
    account of the system (``user``) or a person named without one (``user`` empty); ``name``
    is kept as it was at signing either way."""

    request = models.ForeignKey(
        DestructionRequest, on_delete=models.PROTECT, related_name="witnesses"
    )
    position = models.PositiveSmallIntegerField(_("No."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=100)
    unit = models.CharField(_("department"), max_length=100, blank=True)
    image_key = models.CharField(max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        ordering = ["request", "position"]
        verbose_name = _("destruction witness")
        verbose_name_plural = _("destruction witnesses")
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="witness_position_once"),
            models.UniqueConstraint(fields=["request", "name"], name="witness_name_once"),
            models.UniqueConstraint(
                fields=["request", "user"],
                condition=Q(user__isnull=False),
                name="witness_user_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.name}"


class DestructionCertificate(models.Model):
    """销毁记录: the signed PDF of an executed request, kept permanently."""

    request = models.OneToOneField(
        DestructionRequest, on_delete=models.PROTECT, related_name="certificate"
    )
    number = models.CharField(_("certificate number"), max_length=32, unique=True)
    pdf_key = models.CharField(max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    issued_at = models.DateTimeField(_("issued at"))
    # The same PDF filed as a permanent record of the archive's own dossier.
    record = models.OneToOneField(
        Record,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="destruction_certificate",
        verbose_name=_("filed as record"),
    )

    class Meta:
        ordering = ["-issued_at"]
        verbose_name = _("certificate of destruction")
        verbose_name_plural = _("certificates of destruction")

    def __str__(self) -> str:
        return self.number
