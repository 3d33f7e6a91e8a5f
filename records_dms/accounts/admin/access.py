"""Access on screen: grants (staff × customer), clearances and owners, for clerks and
administrators. Every change goes through the services, which audit it in the chain and refuse
a change of one's own access."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from records_dms.accounts.admin.views import ArchiveView, require_action, visible_customer
from records_dms.accounts.models import Grant
from records_dms.accounts.permissions import MANAGE_CLEARANCES, MANAGE_GRANTS
from records_dms.accounts.policy import policy
from records_dms.accounts.roles import Confidentiality
from records_dms.accounts.selectors import access_rows, customer_grants, grantable_users
from records_dms.accounts.services import clearance_set, grant_create, grant_revoke
from records_dms.archive.selectors import visible_customers
from records_dms.archive.services import customer_owner_set


class AccessView(ArchiveView):
    """Every user's roles, clearance and grants; change the clearance, grant and revoke."""

    template_name = "accounts/access.html"
    required_action = MANAGE_GRANTS
    header_icon = "key"

    def get_page_title(self) -> str:
        return _("Access")

    def get(self, request: HttpRequest) -> HttpResponse:
        customers = visible_customers(user=request.user).only("code", "name").order_by("code")
        return self.render_to_response(
            self.get_context_data(
                rows=access_rows(),
                levels=Confidentiality.choices,
                customers=customers,
                can_clear=policy.has(request.user, MANAGE_CLEARANCES),
            )
        )


class CustomerAccessView(ArchiveView):
    """One customer's owner and the staff granted its dossier."""

    template_name = "accounts/customer_access.html"
    required_action = MANAGE_GRANTS
    header_icon = "key"

    def get_page_title(self) -> str:
        return _("Access to a dossier")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        customer = visible_customer(request, pk)
        grants = customer_grants(customer)
        granted = set(grants.values_list("user_id", flat=True))
        return self.render_to_response(
            self.get_context_data(
                customer=customer,
                grants=grants,
                candidates=[u for u in grantable_users() if u.pk not in granted],
                owners=grantable_users(),
            )
        )


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("access:index")
    return redirect(target or reverse("access:index"))


def _not_post(request: HttpRequest, action: Any) -> HttpResponse | None:
    """Refuse who may not (403) before the method matters; then only POST changes."""
    require_action(request, action)
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def _run(request: HttpRequest, change: Any, done: str) -> HttpResponse:
    try:
        change()
    except (PermissionDenied, ValidationError) as error:
        text = "; ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text or _("You may not do this."))
    else:
        messages.success(request, done)
    return _back(request)


def _active_user(pk: str) -> Any:
    if not str(pk).isdigit():
        raise ValidationError(_("Choose a user."))
    user = get_user_model().objects.filter(pk=int(pk), is_active=True).first()
    if user is None:
        raise ValidationError(_("Choose a user."))
    return user


def grant_add(request: HttpRequest) -> HttpResponse:
    if refusal := _not_post(request, MANAGE_GRANTS):
        return refusal
    code = request.POST.get("customer", "").split(" ")[0].strip().upper()
    customer = visible_customers(user=request.user).filter(code=code).first()

    def change() -> None:
        if customer is None:
            raise ValidationError(_("No customer %(code)s.") % {"code": code or "—"})
        grant_create(user=_active_user(request.POST.get("user", "")), customer=customer,
                     actor=request.user)  # fmt: skip

    return _run(request, change, _("Access granted to %(code)s.") % {"code": code})


def grant_remove(request: HttpRequest, pk: int) -> HttpResponse:
    if refusal := _not_post(request, MANAGE_GRANTS):
        return refusal
    grant = get_object_or_404(
        Grant.objects.select_related("user", "customer"),
        pk=pk,
        customer__in=visible_customers(user=request.user),
    )
    done = _("Access of %(user)s to %(code)s revoked.") % {
        "user": grant.user.get_username(),
        "code": grant.customer.code,
    }
    return _run(request, lambda: grant_revoke(grant=grant, actor=request.user), done)


def clearance_change(request: HttpRequest, pk: int) -> HttpResponse:
    if refusal := _not_post(request, MANAGE_CLEARANCES):
        return refusal
    user = get_object_or_404(get_user_model(), pk=pk, is_active=True)
    level = request.POST.get("level", "")

    def change() -> None:
        if level not in Confidentiality.values:
            raise ValidationError(_("Choose a confidentiality level."))
        clearance_set(user=user, level=level, actor=request.user)
        policy.forget(user)

    done = _("Clearance of %(user)s set to %(level)s.") % {
        "user": user.get_username(),
        "level": dict(Confidentiality.choices).get(level, level),
    }
    return _run(request, change, done)


def owner_change(request: HttpRequest, pk: int) -> HttpResponse:
    if refusal := _not_post(request, MANAGE_GRANTS):
        return refusal
    customer = visible_customer(request, pk)
    chosen = request.POST.get("owner", "")

    def change() -> None:
        owner = _active_user(chosen) if chosen else None
        customer_owner_set(customer=customer, owner=owner, actor=request.user)

    return _run(request, change, _("Owner of %(code)s saved.") % {"code": customer.code})
