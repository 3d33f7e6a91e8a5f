"""Retention schedules (保管期限) and each record's retention state; the daily notice of the
records due for review.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from records_dms.archive.models import Record, RecordType, Severity

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


class DailyNotice(models.Model):
    """The day's due-for-review e-mail was sent (so a restarted worker sends it once)."""

    day = models.DateField(unique=True)
    due_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.day}: {self.due_count}"
