"""Retention: schedules, each record's due date, legal holds, destruction requests, certificates."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from records_dms.archive.models import Customer, Record, RecordType, Severity, Volume

# A seeded schedule is named in both languages, "投诉档案 Complaint records": the Chinese part
# ends at the last CJK character (or closing bracket) followed by an English rest.
_BILINGUAL = re.compile(r"^(?P<zh>.*[\u3400-\u9fff)）])\s+(?P<en>[A-Za-z][^\u3400-\u9fff]*)$")


class TriggerEvent(models.TextChoices):
    DOCUMENT_DATE = "document_date", _("Document date")
    CASE_CLOSED = "case_closed", _("Case closed")
    CONTRACT_ENDED = "contract_ended", _("Contract ended")
    RELATIONSHIP_ENDED = "relationship_ended", _("Customer relationship ended")
    LAST_ACTIVITY = "last_activity", _("Last activity in the dossier")


class Disposition(models.TextChoices):
    REVIEW = "review", _("Review")
    DESTROY = "destroy", _("Destroy")
    KEEP_PERMANENTLY = "keep_permanently", _("Keep permanently")
    TRANSFER = "transfer", _("Transfer")


class RetentionClass(models.TextChoices):
    """The retention classes of DA/T 22-2015; their value is the 保管期限 code of the 档号."""

    PERMANENT = "Y", _("Permanent (永久)")
    D30 = "D30", _("30 years (定期30年)")
    D10 = "D10", _("10 years (定期10年)")
    CUSTOM = "", _("Custom (own period)")


# Years of each fixed class; "permanent" is a disposition, not a period.
CLASS_YEARS = {RetentionClass.D30: 30, RetentionClass.D10: 10}


class RetentionSchedule(models.Model):
    """保管期限表: which records it applies to, what starts the clock, how long, then what."""

    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=200)
    record_types = models.JSONField(_("record types"), default=list)
    # Condition: empty applies to every case; "major" only to records of major complaints.
    complaint_severity = models.CharField(
        _("complaint severity"), max_length=8, choices=Severity.choices, blank=True
    )
    trigger = models.CharField(_("trigger event"), max_length=24, choices=TriggerEvent.choices)
    period_years = models.PositiveSmallIntegerField(_("years"), default=0)
    period_months = models.PositiveSmallIntegerField(_("months"), default=0)
    period_days = models.PositiveSmallIntegerField(_("days"), default=0)
    disposition = models.CharField(
        _("disposition"), max_length=20, choices=Disposition.choices, default=Disposition.REVIEW
    )
    # DA/T 22-2015's class; a custom schedule is coded from its own period (D3, D5…).
    retention_class = models.CharField(
        _("retention class"), max_length=4, choices=RetentionClass.choices, blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("retention schedule")
        verbose_name_plural = _("retention schedules")

    def __str__(self) -> str:
        return self.local_name()

    def local_name(self) -> str:
        """The name in the screen's language (one language, not both)."""
        match = _BILINGUAL.match(self.name.strip())
        if match is None:
            return self.name
        return match["zh"] if (get_language() or "zh").startswith("zh") else match["en"]

    def clean(self) -> None:
        """A standard class fixes the period (D10, D30) or the disposition (Y)."""
        years = CLASS_YEARS.get(RetentionClass(self.retention_class))
        period = (self.period_years, self.period_months, self.period_days)
        if years is not None and period != (years, 0, 0):
            raise ValidationError(
                {
                    "retention_class": _("This class needs a period of exactly %(n)d years.")
                    % {"n": years}
                }
            )
        permanent = self.disposition == Disposition.KEEP_PERMANENTLY
        if (self.retention_class == RetentionClass.PERMANENT and not permanent) or (
            years is not None and permanent
        ):
            raise ValidationError(
                {
                    "retention_class": _(
                        "The class Permanent goes with the disposition Keep permanently, "
                        "and only with it."
                    )
                }
            )

    def class_code(self) -> str:
        """The 保管期限 code of the 档号: Y, D30, D10, or D + the period's years rounded up."""
        if self.retention_class or self.disposition == Disposition.KEEP_PERMANENTLY:
            return self.retention_class or RetentionClass.PERMANENT.value
        partial = bool(self.period_months or self.period_days)
        return f"D{max(1, self.period_years + partial)}"

    def type_labels(self) -> str:
        labels = dict(RecordType.choices)
        return ", ".join(str(labels.get(t, t)) for t in self.record_types)

    def period_label(self) -> str:
        parts = []
        if self.period_years:
            parts.append(_("%(n)d years") % {"n": self.period_years})
        if self.period_months:
            parts.append(_("%(n)d months") % {"n": self.period_months})
        if self.period_days:
            parts.append(_("%(n)d days") % {"n": self.period_days})
        return " ".join(str(p) for p in parts) or str(_("at once"))


class Waiting(models.TextChoices):
    """Why a record has no due date yet."""

    NONE = "", _("—")
    CASE_OPEN = "case_open", _("waiting for the case to close")
    NO_CASE = "no_case", _("waiting for the record to be linked to its complaint case")
    CONTRACT = "contract", _("waiting for the contract to end")
    RELATIONSHIP = "relationship", _("waiting for the customer relationship to end")
    NO_SCHEDULE = "no_schedule", _("no retention schedule applies")
    PERMANENT = "permanent", _("kept permanently")


class Outcome(models.TextChoices):
    """A review decision that takes the record off the review queue for good."""

    NONE = "", _("—")
    TRANSFERRED = "transferred", _("Transferred")


class RecordRetention(models.Model):
    """One record's schedule, trigger date and due date (recomputed when a trigger changes)."""

    record = models.OneToOneField(
        Record, primary_key=True, on_delete=models.CASCADE, related_name="retention"
    )
    schedule = models.ForeignKey(
        RetentionSchedule,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("retention schedule"),
    )
    trigger_date = models.DateField(_("trigger date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True, db_index=True)
    waiting = models.CharField(_("waiting"), max_length=16, choices=Waiting.choices, blank=True)
    contract_ended_on = models.DateField(_("contract ended on"), null=True, blank=True)
    extended_to = models.DateField(_("extended to"), null=True, blank=True)
    keep_permanently = models.BooleanField(_("keep permanently"), default=False)
    decision_reason = models.CharField(_("reason"), max_length=300, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("record retention")
        verbose_name_plural = _("record retention")

    def __str__(self) -> str:
        return f"{self.record_id}: {self.due_date or self.waiting}"


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


class DailyNotice(models.Model):
    """The day's due-for-review e-mail was sent (so a restarted worker sends it once)."""

    day = models.DateField(unique=True)
    due_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.day}: {self.due_count}"


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
