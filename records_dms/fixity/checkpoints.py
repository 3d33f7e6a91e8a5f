"""The daily e-mail of the chains' signed checkpoints to the compliance officers.

Each morning the officers receive the signed (count, head) of the audit chain and of the
checkout register. Kept in their mailboxes, outside the server, these lines let anyone check
later that the chains were neither cut back nor rewritten since: save them to a file and run
``dms verify --checkpoint FILE``.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from records_dms.accounts import roles
from records_dms.audit.services import AUDIT_CHAIN
from records_dms.common import signing
from records_dms.fixity.models import CheckpointMail
from records_dms.lending.register import REGISTER_CHAIN


def compliance_recipients() -> list[str]:
    officers = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.COMPLIANCE)
        .exclude(email="")
    )
    return sorted({u.email for u in officers})


def checkpoint_lines() -> tuple[list[str], list[str]]:
    """The signed head of each chain as a checkpoint line, and the chains whose head does not
    carry a valid signature (those are not mailed: run ``dms verify``)."""
    lines, unsigned = [], []
    keys = None
    for chain in (AUDIT_CHAIN, REGISTER_CHAIN):
        checkpoint = chain.head_checkpoint()
        if checkpoint is None:
            continue
        keys = keys if keys is not None else signing.trusted_keys()
        if checkpoint.valid(keys):
            lines.append(checkpoint.line())
        else:
            unsigned.append(chain.name)
    return lines, unsigned


def checkpoints_mail_daily(on: datetime.date) -> CheckpointMail | None:
    """The daily job: once a day, e-mail the checkpoints (None: already sent, or nobody to
    send them to)."""
    recipients = compliance_recipients()
    if not recipients:
        return None
    lines, unsigned = checkpoint_lines()
    try:
        with transaction.atomic():
            mail = CheckpointMail.objects.create(day=on, lines="\n".join(lines))
    except IntegrityError:
        return None
    body = [
        _(
            "The signed checkpoints of the audit trail and the checkout register on %(day)s. "
            "Keep this e-mail: saved to a file, these lines let `dms verify --checkpoint FILE` "
            "show that no entry was removed or rewritten since."
        )
        % {"day": on.isoformat()},
        "",
        *lines,
    ]
    if unsigned:
        body += [
            "",
            _("These chains' heads do not carry a valid signature; run dms verify: %(chains)s")
            % {"chains": ", ".join(unsigned)},
        ]
    try:
        send_mail(
            subject=_("Archive checkpoints of %(day)s") % {"day": on.isoformat()},
            message="\n".join(body),
            from_email=None,
            recipient_list=recipients,
        )
    except Exception:
        CheckpointMail.objects.filter(pk=mail.pk).delete()  # tomorrow's run, or the next, retries
        raise
    return mail
