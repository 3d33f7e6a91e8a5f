"""Audit events written by the reports app."""

SURVEY_RESULTS_SET = "survey.results_set"
REPORT_EXPORTED = "report.exported"
