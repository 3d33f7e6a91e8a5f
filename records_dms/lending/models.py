"""Lending (借阅): loans of paper originals and electronic copies, and the checkout register."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from records_dms.accounts.roles import Confidentiality
from records_dms.archive.models import Record
from records_dms.common.chain import (  # noqa: F401 (AppendOnlyError: raised by the register)
    GENESIS_HASH,
    AppendOnlyError,
    AppendOnlyModel,
    ChainHead,
    canonical,
)
from records_dms.lending.events import RegisterEvent


class LoanKind(models.TextChoices):
    PAPER = "paper", _("Paper original")
    ELECTRONIC = "electronic", _("Electronic copy")


class LoanState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    CHECKED_OUT = "checked_out", _("Checked out")
    OVERDUE = "overdue", _("Overdue")
    RETURNED = "returned", _("Returned")
    EXPIRED = "expired", _("Access expired")


OPEN_STATES = (LoanState.REQUESTED, LoanState.APPROVED, LoanState.CHECKED_OUT, LoanState.OVERDUE)
OUT_STATES = (LoanState.CHECKED_OUT, LoanState.OVERDUE)


class Condition(models.TextChoices):
    COMPLETE = "complete", _("Complete")
    DAMAGED = "damaged", _("Damaged")
    PAGES_MISSING = "pages_missing", _("Pages missing")
    LOST = "lost", _("Lost")


class Loan(models.Model):
    number = models.CharField(_("loan number"), max_length=32, unique=True)
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="loans",
        verbose_name=_("borrower"),
    )
    purpose = models.CharField(_("purpose"), max_length=255)
    due_on = models.DateField(_("due date"))
    level = models.CharField(
        _("confidentiality"), max_length=16, choices=Confidentiality.choices, editable=False
    )
    state = models.CharField(
        _("state"), max_length=16, choices=LoanState.choices, default=LoanState.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("approved or refused by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=255, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handed over by"),
    )
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("receiver"),
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")

    def __str__(self) -> str:
        return self.number


class LoanItem(models.Model):
    loan = models.ForeignKey(
        Loan, on_delete=models.PROTECT, related_name="items", verbose_name=_("loan")
    )
    record = models.ForeignKey(
        Record, on_delete=models.PROTECT, related_name="loan_items", verbose_name=_("record")
    )
    kind = models.CharField(_("item"), max_length=16, choices=LoanKind.choices)
    # True from checkout to return: the database lets one paper original be out only once.
    out = models.BooleanField(_("out"), default=False)
    condition = models.CharField(
        _("condition"), max_length=16, choices=Condition.choices, blank=True
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    class Meta:
        ordering = ["loan", "id"]
        verbose_name = _("loan item")
        verbose_name_plural = _("loan items")
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=models.Q(kind="paper", out=True),
                name="paper_original_out_once",
            ),
            models.UniqueConstraint(fields=["loan", "record"], name="loan_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.loan.number} {self.record.reference} ({self.kind})"


class SignatureRole(models.TextChoices):
    BORROWER = "borrower", _("Borrower")
    RECEIVER = "receiver", _("Receiver")
    HANDOVER_FROM = "handover_from", _("Handed over by")
    HANDOVER_TO = "handover_to", _("Taken over by")


class HandSignature(models.Model):
    """A signature drawn by hand (PNG); the register keeps its SHA-256, so it cannot change."""

    signer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("role"), max_length=16, choices=SignatureRole.choices)
    image_key = models.CharField(max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return f"{self.role} {self.signer_id} {self.sha256[:12]}"


class Incident(models.Model):
    """Damage or loss found at return, opened on the record."""

    record = models.ForeignKey(
        Record, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("record")
    )
    item = models.ForeignKey(LoanItem, on_delete=models.PROTECT, related_name="incidents")
    kind = models.CharField(_("condition"), max_length=16, choices=Condition.choices)
    note = models.TextField(_("note"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return f"{self.record_id} {self.kind}"


class Location(models.Model):
    """Where a record's paper original is kept: room, cabinet, shelf, box (存放位置)."""

    record = models.OneToOneField(Record, on_delete=models.CASCADE, related_name="location")
    room = models.CharField(_("room"), max_length=50, blank=True)
    cabinet = models.CharField(_("cabinet"), max_length=50, blank=True)
    shelf = models.CharField(_("shelf"), max_length=50, blank=True)
    box = models.CharField(_("box"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("physical location")
        verbose_name_plural = _("physical locations")

    def __str__(self) -> str:
        return " / ".join(part for part in (self.room, self.cabinet, self.shelf, self.box) if part)


class Custody(models.Model):
    """Who holds a paper original now, when custody was handed over (移交)."""

    record = models.OneToOneField(Record, on_delete=models.CASCADE, related_name="custody")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="custody"
    )
    department = models.CharField(_("department"), max_length=100, blank=True)
    since = models.DateTimeField(_("since"))

    class Meta:
        verbose_name = _("custody")
        verbose_name_plural = _("custody")

    def __str__(self) -> str:
        return f"{self.record_id} → {self.holder_id}"


class OverdueNotice(models.Model):
    """The overdue e-mail of one loan for one day was sent: at most one per loan and day, however
    many workers run the daily chain (the database refuses a second row)."""

    loan = models.ForeignKey(
        Loan, on_delete=models.CASCADE, related_name="overdue_notices", verbose_name=_("loan")
    )
    day = models.DateField(_("day"))
    recipients = models.CharField(_("recipients"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        ordering = ["-day", "loan"]
        verbose_name = _("overdue notice")
        verbose_name_plural = _("overdue notices")
        constraints = [
            models.UniqueConstraint(fields=["loan", "day"], name="overdue_notice_once_a_day")
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.day}"


class RegisterEntry(AppendOnlyModel):
    """One line of the checkout register (借阅登记簿): hash-chained and signed by the server."""

    sequence = models.BigIntegerField(_("number"), primary_key=True)
    occurred_at = models.DateTimeField(_("time"))
    event = models.CharField(_("event"), max_length=16, choices=RegisterEvent.choices)
    loan = models.ForeignKey(
        Loan,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="entries",
        verbose_name=_("loan"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("user"), max_length=150, blank=True)
    data = models.JSONField(_("details"), default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=16)
    signature = models.CharField(_("server signature"), max_length=128)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"#{self.sequence} {self.event}"

    def canonical_content(self) -> bytes:
        """The bytes the hash covers: every field but the hash and the signature."""
        content = {
            "sequence": self.sequence,
            "occurred_at": self.occurred_at.isoformat(),
            "event": self.event,
            "loan_id": self.loan_id,
            "actor_id": self.actor_id,
            "actor_name": self.actor_name,
            "data": self.data,
            "previous_hash": self.previous_hash,
            "key_id": self.key_id,
        }
        return canonical(content)

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_content()).hexdigest()


class RegisterHead(ChainHead):
    """One row holding the newest entry's number and hash, signed with the server key."""

    class Meta(ChainHead.Meta):
        pass

    def __str__(self) -> str:
        return f"register head #{self.last_sequence}"


class CartItem(models.Model):
    """One record in a user's borrowing cart (借阅车). Kept in the database, not the session, so
    a cart filled before lunch survives a new login; a record out of reach is dropped when the
    cart is read (records_dms/lending/cart.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cart_items"
    )
    record = models.ForeignKey(
        Record, on_delete=models.CASCADE, related_name="+", verbose_name=_("record")
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name = _("borrowing cart item")
        verbose_name_plural = _("borrowing cart items")
        constraints = [models.UniqueConstraint(fields=["user", "record"], name="cart_item_once")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.record_id}"
