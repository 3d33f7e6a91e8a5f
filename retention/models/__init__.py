"""Retention: schedules, each record's due date, legal holds, destruction requests, certificates."""

# isort: off
# Imported in the old models.py's order (schedules, holds, destruction, sealing): the models
# register, and a backup dumps their tables, in that order as before the split (DailyNotice, which
# relates to nothing, now comes with the schedules).
from retention.models.schedules import (
    CLASS_YEARS,
    DailyNotice,
    Disposition,
    Outcome,
    RecordRetention,
    RetentionClass,
    RetentionSchedule,
    TriggerEvent,
    Waiting,
)
from retention.models.holds import HoldScope, LegalHold
from retention.models.destruction import (
    OPEN_STATES,
    DestructionApproval,
    DestructionCertificate,
    DestructionItem,
    DestructionRequest,
    DestructionWitness,
    ItemState,
    RequestState,
)
from retention.models.sealing import DeletionRequest, DeletionState, DossierSeal

# isort: on

__all__ = [
    "CLASS_YEARS",
    "OPEN_STATES",
    "DailyNotice",
    "DeletionRequest",
    "DeletionState",
    "DestructionApproval",
    "DestructionCertificate",
    "DestructionItem",
    "DestructionRequest",
    "DestructionWitness",
    "Disposition",
    "DossierSeal",
    "HoldScope",
    "ItemState",
    "LegalHold",
    "Outcome",
    "RecordRetention",
    "RequestState",
    "RetentionClass",
    "RetentionSchedule",
    "TriggerEvent",
    "Waiting",
]
