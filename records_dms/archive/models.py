"""The archive domain: customers, their dossiers' records, volumes and complaint cases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from records_dms.accounts.roles import Confidentiality


class CustomerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    INDIVIDUAL = "individual", _("Individual")
    PROSPECT = "prospect", _("Prospect")
    PARTNER = "partner", _("Partner")


class RelationshipStatus(models.TextChoices):
    # "Active" alone is a user account's word (已启用); a customer relationship is 合作中.
    ACTIVE = "active", pgettext_lazy("customer relationship", "Active")
    ENDED = "ended", _("Ended")


class Customer(models.Model):
    code = models.CharField(_("customer code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=CustomerKind.choices, default=CustomerKind.ENTERPRISE
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    grade = models.CharField(_("grade"), max_length=16, blank=True)
    contacts = models.TextField(_("contacts"), blank=True)
    status = models.CharField(
        _("relationship status"),
        max_length=16,
        choices=RelationshipStatus.choices,
        default=RelationshipStatus.ACTIVE,
    )
    relationship_ended_on = models.DateField(_("relationship ended on"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_customers",
    )
    sealed = models.BooleanField(_("sealed"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class RecordType(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    CONTRACT_AMENDMENT = "contract_amendment", _("Contract amendment")
    MINUTES = "minutes", _("Meeting minutes")
    PHONE_RECORD = "phone_record", _("Phone record")
    EMAIL = "email", _("Email")
    SURVEY = "survey", _("Satisfaction survey")
    COMPLAINT = "complaint", _("Complaint")
    COMPLAINT_HANDLING = "complaint_handling", _("Complaint handling record")
    FEEDBACK = "feedback", _("Feedback")
    OTHER = "other", _("Other")
    # Filed by retention into the archive's own dossier, kept permanently.
    DESTRUCTION_CERTIFICATE = "destruction_certificate", _("Certificate of destruction")


# The type part of a file reference number (档号): pinyin initials of the Chinese name.
TYPE_CODES: dict[str, str] = {
    RecordType.CONTRACT: "HT",
    RecordType.CONTRACT_AMENDMENT: "BG",
    RecordType.MINUTES: "JY",
    RecordType.PHONE_RECORD: "DH",
    RecordType.EMAIL: "YJ",
    RecordType.SURVEY: "DC",
    RecordType.COMPLAINT: "TS",
    RecordType.COMPLAINT_HANDLING: "CL",
    RecordType.FEEDBACK: "FK",
    RecordType.OTHER: "QT",
    RecordType.DESTRUCTION_CERTIFICATE: "XH",
}


class RecordState(models.TextChoices):
    RECEIVED = "received", _("Received")
    PROCESSING = "processing", _("Processing")
    FILED = "filed", _("Filed")
    DUE = "due", _("Due for review")
    HELD = "held", _("Held")
    APPROVED = "approved", _("Approved for destruction")
    DESTROYED = "destroyed", _("Destroyed")


class Channel(models.TextChoices):
    UPLOAD = "upload", _("Upload")
    SCAN = "scan", _("Scan")
    EMAIL = "email", _("Email")
    PAPER = "paper", _("Paper")
    API = "api", _("API")


class ComplaintChannel(models.TextChoices):
    FORWARDED_PHONE = "forwarded_phone", _("Forwarded by head office: phone")
    FORWARDED_ONLINE = "forwarded_online", _("Forwarded by head office: online")
    FORWARDED_VISIT = "forwarded_visit", _("Forwarded by head office: visit")
    DIRECT = "direct", _("Received directly")


class ComplaintRegister(models.TextChoices):
    FORWARDED = "forwarded", _("Forwarded complaints")
    DIRECT = "direct", _("Directly received complaints")


class Severity(models.TextChoices):
    NORMAL = "normal", _("Normal")
    MAJOR = "major", _("Major")


class Volume(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="volumes", verbose_name=_("customer")
    )
    number = models.PositiveIntegerField(_("volume number"))
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["customer", "number"]
        verbose_name = _("volume")
        verbose_name_plural = _("volumes")
        constraints = [
            models.UniqueConstraint(fields=["customer", "number"], name="volume_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.customer.code} / {self.number:03d} {self.title}"


class ComplaintCase(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("customer")
    )
    register = models.CharField(
        _("register"), max_length=16, choices=ComplaintRegister.choices, editable=False
    )
    number = models.CharField(_("complaint number"), max_length=32, unique=True)
    channel = models.CharField(_("channel"), max_length=20, choices=ComplaintChannel.choices)
    severity = models.CharField(
        _("severity"), max_length=8, choices=Severity.choices, default=Severity.NORMAL
    )
    subject = models.CharField(_("subject"), max_length=200)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    volume = models.OneToOneField(
        Volume,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaint",
        verbose_name=_("own volume"),
    )

    class Meta:
        ordering = ["-opened_on", "number"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(severity=Severity.MAJOR) | models.Q(volume__isnull=False),
                name="major_complaint_has_own_volume",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="complaint_closed_after_opened",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"


# The languages a record's text may be in (``Record.language``), as people name them. A plain
# mapping, not field choices: older records and the API may hold other language tags.
LANGUAGE_LABELS = {
    "zh-hans": _("Simplified Chinese"),
    "zh-hant": _("Traditional Chinese"),
    "en": _("English"),
}


class Record(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="records", verbose_name=_("customer")
    )
    reference = models.CharField(_("file reference number"), max_length=48, unique=True)
    type = models.CharField(_("record type"), max_length=24, choices=RecordType.choices)
    title = models.CharField(_("title"), max_length=300)
    document_date = models.DateField(_("document date"))
    received_date = models.DateField(_("received date"))
    channel = models.CharField(
        _("channel"), max_length=16, choices=Channel.choices, default=Channel.UPLOAD
    )
    confidentiality = models.CharField(
        _("confidentiality"),
        max_length=16,
        choices=Confidentiality.choices,
        default=Confidentiality.INTERNAL,
    )
    language = models.CharField(_("language"), max_length=16, default="zh-hans")
    state = models.CharField(
        _("state"), max_length=16, choices=RecordState.choices, default=RecordState.RECEIVED
    )
    volume = models.ForeignKey(
        Volume,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("volume"),
    )
    complaint = models.ForeignKey(
        ComplaintCase,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("complaint"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("attached to"),
    )
    physical_location = models.CharField(_("physical location"), max_length=200, blank=True)
    original_key = models.CharField(_("stored original"), max_length=200, blank=True)
    original_name = models.CharField(_("original file name"), max_length=255, blank=True)
    mime_type = models.CharField(_("file type"), max_length=100, blank=True)
    size = models.BigIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True, db_index=True)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    rendition_key = models.CharField(_("searchable PDF"), max_length=200, blank=True)
    email_headers = models.JSONField(_("email headers"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("filed by"),
    )
    created_at = models.DateTimeField(_("filed at"), auto_now_add=True)

    class Meta:
        ordering = ["customer", "document_date", "reference"]
        verbose_name = _("record")
        verbose_name_plural = _("records")
        indexes = [models.Index(fields=["customer", "document_date"])]
        constraints = [
            # The same bytes are filed once; a second filing is reported as a duplicate.
            models.UniqueConstraint(
                fields=["sha256"],
                condition=~models.Q(sha256="") & ~models.Q(state="destroyed"),
                name="one_live_record_per_original",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"


class PageSource(models.TextChoices):
    TEXT_LAYER = "text_layer", _("Text layer")
    OCR = "ocr", _("OCR")


class Page(models.Model):
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="pages")
    number = models.PositiveIntegerField(_("page"))
    text = models.TextField(_("text"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=PageSource.choices)
    confidence = models.FloatField(_("OCR confidence"), null=True, blank=True)

    class Meta:
        ordering = ["record", "number"]
        constraints = [
            models.UniqueConstraint(fields=["record", "number"], name="page_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.record.reference} p.{self.number}"


class RecordRevision(models.Model):
    """One metadata change of a record: who, when, and each field's before and after."""

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="revisions")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=255, blank=True)
    changes = models.JSONField()

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.record_id} @ {self.changed_at:%Y-%m-%d %H:%M}"


class Counter(models.Model):
    """The last number handed out in one numbering series (reference numbers, registers)."""

    key = models.CharField(max_length=100, unique=True)
    value = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.value}"


class VoidedReference(models.Model):
    """A reference number given up when a clerk corrected a record's type or date before its
    filing was final (references.py): the series keeps no unexplained gap."""

    reference = models.CharField(_("file reference number"), max_length=48, unique=True)
    record = models.ForeignKey(
        Record, on_delete=models.PROTECT, related_name="voided_references", verbose_name=_("record")
    )
    replaced_by = models.CharField(_("replaced by"), max_length=48)
    voided_at = models.DateTimeField(_("voided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("voided reference number")

    def __str__(self) -> str:
        return f"{self.reference} → {self.replaced_by}"


class IndexChange(models.Model):
    """The search index's change journal: one row per record change, written in the change's
    transaction (records_dms/archive/indexing.py). ``done`` once the index has it; a row still
    pending after a crash is replayed when a worker starts, and a rebuild replays every row
    written while it ran. Ids only grow (SQLite AUTOINCREMENT, a PostgreSQL sequence)."""

    record_id = models.BigIntegerField(db_index=True)
    reason = models.CharField(max_length=64, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    done = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["id"], condition=models.Q(done=False), name="index_change_pending")
        ]

    def __str__(self) -> str:
        return f"{self.record_id} {self.reason} @ {self.changed_at:%Y-%m-%d %H:%M:%S}"


class SearchRebuild(models.Model):
    """One rebuild of the search index started from the screen: its progress, which the
    worker writes and the screen's script reads (``archive:reindex_status``)."""

    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    total = models.PositiveIntegerField(_("pages to index"), default=0)
    done = models.PositiveIntegerField(_("pages indexed"), default=0)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"rebuild #{self.pk}: {self.done}/{self.total}"
