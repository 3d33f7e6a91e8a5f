"""Audit events written by fixity checks and backups, with their labels."""

from django.utils.translation import gettext_lazy as _

from records_dms.common.events import event

FIXITY_FAILED = event("fixity.failed", _("Fixity check failed"))
FIXITY_RUN = event("fixity.run", _("Fixity check run"))
BACKUP_WRITTEN = event("backup.written", _("Backup written"))
BACKUP_RESTORED = event("backup.restored", _("Backup restored"))
