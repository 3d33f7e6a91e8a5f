"""Structured results of a satisfaction survey (满意度调查), kept next to the filed record."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from records_dms.archive.models import Record

SCORE_VALIDATORS = [MinValueValidator(0), MaxValueValidator(100)]


class SurveyResult(models.Model):
    """The scores of one survey record, on a 0–100 scale (百分制)."""

    record = models.OneToOneField(
        Record,
        on_delete=models.CASCADE,
        related_name="survey_result",
        verbose_name=_("record"),
    )
    overall = models.DecimalField(
        _("overall score"), max_digits=5, decimal_places=1, validators=SCORE_VALIDATORS
    )
    remarks = models.TextField(_("remarks"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("survey result")
        verbose_name_plural = _("survey results")

    def __str__(self) -> str:
        return f"{self.record.reference}: {self.overall}"


class SurveyAnswer(models.Model):
    """One question's score; the question's text is kept as asked, not looked up later."""

    result = models.ForeignKey(
        SurveyResult, on_delete=models.CASCADE, related_name="answers", verbose_name=_("result")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    question = models.CharField(_("question"), max_length=200)
    score = models.DecimalField(
        _("score"), max_digits=5, decimal_places=1, validators=SCORE_VALIDATORS
    )

    class Meta:
        ordering = ["result", "position"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["result", "position"], name="survey_answer_position")
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.score}"
