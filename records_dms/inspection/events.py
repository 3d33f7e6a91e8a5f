"""Names of the four-property check's audit events."""

INSPECTION_RUN = "inspection.run"
INSPECTION_EXPORTED = "inspection.exported"
