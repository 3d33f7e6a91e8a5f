"""The role names (Django groups, made by a migration of accounts): the words every layer uses
to say who may do what."""

CLERK = "Records clerk"
AUDITOR = "QMS auditor"
COMPLIANCE = "Compliance officer"
STAFF = "Staff"
ADMINISTRATOR = "Administrator"
ROLES = (CLERK, AUDITOR, COMPLIANCE, STAFF, ADMINISTRATOR)
