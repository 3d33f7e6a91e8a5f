"""Roles (Django groups), confidentiality levels and the actions each role may take."""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _

CLERK = "Records clerk"
AUDITOR = "QMS auditor"
COMPLIANCE = "Compliance officer"
STAFF = "Staff"
ADMINISTRATOR = "Administrator"
ROLES = (CLERK, AUDITOR, COMPLIANCE, STAFF, ADMINISTRATOR)


class Confidentiality(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")
    SECRET = "secret", _("Secret")


LEVEL_ORDER = [Confidentiality.INTERNAL, Confidentiality.CONFIDENTIAL, Confidentiality.SECRET]


def levels_up_to(level: str) -> frozenset[str]:
    """Every confidentiality level at or below ``level``."""
    index = [str(item) for item in LEVEL_ORDER].index(str(level))
    return frozenset(str(item) for item in LEVEL_ORDER[: index + 1])


class Action(StrEnum):
    VIEW_CUSTOMER = "view_customer"
    ADD_CUSTOMER = "add_customer"
    CHANGE_CUSTOMER = "change_customer"
    VIEW_RECORD = "view_record"
    READ_RECORD = "read_record"  # open the content: pages and the original
    ADD_RECORD = "add_record"
    CHANGE_RECORD = "change_record"
    MANAGE_COMPLAINTS = "manage_complaints"
    MANAGE_GRANTS = "manage_grants"
    VIEW_AUDIT = "view_audit"
    EXPORT = "export"
    SEAL = "seal"  # seal and unseal dossiers, register and answer deletion requests
    VIEW_SEALED = "view_sealed"  # see sealed dossiers (compliance officers and auditors)
    VIEW_RETENTION = "view_retention"  # due dates, holds, destruction requests, certificates
    REVIEW_RETENTION = "review_retention"  # extend, keep permanently, transfer, propose
    APPROVE_DESTRUCTION = "approve_destruction"
    EXECUTE_DESTRUCTION = "execute_destruction"
    MANAGE_HOLDS = "manage_holds"
    MANAGE_SCHEDULES = "manage_schedules"
    # Lending (借阅): staff ask, clerks approve internal records and hand items over,
    # compliance officers approve confidential and secret ones.
    REQUEST_LOAN = "request_loan"
    APPROVE_LOAN = "approve_loan"
    APPROVE_CLASSIFIED_LOAN = "approve_classified_loan"
    LEND = "lend"
    VIEW_REGISTER = "view_register"


READ = {Action.VIEW_CUSTOMER, Action.VIEW_RECORD, Action.READ_RECORD, Action.REQUEST_LOAN}

ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    CLERK: frozenset(
        READ
        | {
            Action.ADD_CUSTOMER,
            Action.CHANGE_CUSTOMER,
            Action.ADD_RECORD,
            Action.CHANGE_RECORD,
            Action.MANAGE_COMPLAINTS,
            Action.MANAGE_GRANTS,
            Action.VIEW_RETENTION,
            Action.REVIEW_RETENTION,
            Action.EXECUTE_DESTRUCTION,
            Action.APPROVE_LOAN,
            Action.LEND,
            Action.VIEW_REGISTER,
        }
    ),
    AUDITOR: frozenset(
        READ
        | {
            Action.VIEW_AUDIT,
            Action.EXPORT,
            Action.VIEW_RETENTION,
            Action.VIEW_REGISTER,
            Action.VIEW_SEALED,
        }
    ),
    COMPLIANCE: frozenset(
        READ
        | {
            Action.VIEW_AUDIT,
            Action.SEAL,
            Action.VIEW_SEALED,
            Action.VIEW_RETENTION,
            Action.APPROVE_DESTRUCTION,
            Action.EXECUTE_DESTRUCTION,
            Action.MANAGE_HOLDS,
            Action.APPROVE_LOAN,
            Action.APPROVE_CLASSIFIED_LOAN,
            Action.VIEW_REGISTER,
        }
    ),
    STAFF: frozenset(READ),
    ADMINISTRATOR: frozenset({Action.VIEW_CUSTOMER, Action.MANAGE_GRANTS, Action.MANAGE_SCHEDULES}),
}

# Roles that work across the whole archive; Staff see only owned or granted customers.
ARCHIVE_WIDE_ROLES = frozenset({CLERK, AUDITOR, COMPLIANCE, ADMINISTRATOR})
