"""监销人: the witnesses who watch a destruction and sign its inventory (销毁清册) by hand.

At least two distinct people, neither of them the executor; at least one has an account here
(so that one witness is accountable in the system), the others may be named persons (e.g. from
the discipline or confidentiality office, with their department). Each signs on the pad; the
image is kept under its SHA-256, which the list's seal covers (``dms verify``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from records_dms.common.handsign import signature_check, signature_image_store
from records_dms.common.people import display_name
from retention.models import DestructionRequest, DestructionWitness

MIN_WITNESSES = 2
MAX_WITNESSES = 5


@dataclass(frozen=True)
class WitnessSignature:
    """One witness as given by a screen, the API or the CLI: an account (``user``) or a name,
    the department, and the PNG drawn on the pad."""

    png: bytes
    name: str = ""
    user: Any = None
    unit: str = ""


def person_name(user: Any) -> str:
    """A user's name as a Chinese archive writes it (family name first for Chinese names)."""
    return display_name(user)


def _key(name: str) -> str:
    return re.sub(r"\s+", "", name).casefold()


def _names_of(user: Any) -> set[str]:
    return {_key(user.get_username()), _key(person_name(user)), _key(user.get_full_name())} - {""}


def witnesses_check(witnesses: Sequence[WitnessSignature], executor: Any) -> list[WitnessSignature]:
    """The witnesses, named and checked; a ValidationError lists every problem at once."""
    errors: list[str] = []
    named: list[WitnessSignature] = []
    seen_names: set[str] = set()
    seen_users: set[int] = set()
    executor_names = _names_of(executor)
    for number, witness in enumerate(witnesses, start=1):
        user = witness.user
        name = (person_name(user) if user is not None else witness.name.strip())[:100]
        if not name:
            errors.append(_("Witness %(n)d: give a name or choose a user.") % {"n": number})
            continue
        if user is not None and not user.is_active:
            errors.append(
                _("Witness %(n)d: %(name)s is not an active user.") % {"n": number, "name": name}
            )
        if (user is not None and user.pk == executor.pk) or _key(name) in executor_names:
            errors.append(
                _("Witness %(n)d: the executor cannot witness the destruction.") % {"n": number}
            )
        if _key(name) in seen_names or (user is not None and user.pk in seen_users):
            errors.append(
                _("Witness %(n)d: %(name)s is already a witness.") % {"n": number, "name": name}
            )
        try:
            signature_check(witness.png)
        except ValidationError as problem:
            errors += [
                _("Witness %(n)d: %(problem)s") % {"n": number, "problem": message}
                for message in problem.messages
            ]
        seen_names.add(_key(name))
        if user is not None:
            seen_names |= _names_of(user)
            seen_users.add(user.pk)
        named.append(WitnessSignature(png=witness.png, name=name, user=user, unit=witness.unit))
    if len(named) < MIN_WITNESSES:
        errors.append(
            _("At least %(n)d witnesses (监销人) must sign the destruction inventory.")
            % {"n": MIN_WITNESSES}
        )
    elif len(named) > MAX_WITNESSES:
        errors.append(_("At most %(n)d witnesses.") % {"n": MAX_WITNESSES})
    if named and not any(w.user is not None for w in named):
        errors.append(_("At least one witness must be a user of the system."))
    if errors:
        raise ValidationError(errors)
    return named


def witnesses_store(
    request: DestructionRequest, witnesses: Sequence[WitnessSignature]
) -> list[DestructionWitness]:
    """Keep each checked witness with its signature image (inside the caller's transaction)."""
    rows = []
    for position, witness in enumerate(witnesses, start=1):
        image = signature_image_store(witness.png)
        rows.append(
            DestructionWitness.objects.create(
                request=request,
                position=position,
                user=witness.user,
                name=witness.name,
                unit=witness.unit.strip()[:100],
                image_key=image.key,
                sha256=image.sha256,
            )
        )
    return rows


def user_by_username(username: str) -> Any:
    """The active user of that name, or None (the CLI's ``--witness NAME=PNG``)."""
    return get_user_model().objects.filter(username=username, is_active=True).first()
