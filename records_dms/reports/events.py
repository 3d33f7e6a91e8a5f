"""Audit events written by the reports app, with their labels."""

from django.utils.translation import gettext_lazy as _

from records_dms.common.events import event

SURVEY_RESULTS_SET = event("survey.results_set", _("Survey results entered"))
REPORT_EXPORTED = event("report.exported", _("Report exported"))
