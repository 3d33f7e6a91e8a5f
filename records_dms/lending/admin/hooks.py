"""Lending in the Wagtail admin: its URLs and a "Loans" menu whose entries follow the policy."""

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem

from records_dms.accounts.admin.menu import ActionMenuItem, ActionSubmenu
from records_dms.common.permissions import Permission
from records_dms.lending.admin import urls as admin_urls
from records_dms.lending.permissions import APPROVE_LOAN, LEND, REQUEST_LOAN, VIEW_REGISTER


@hooks.register("register_admin_urls")
def register_lending_urls() -> list[Any]:
    return [path("loans/", include((admin_urls.urlpatterns, "lending"), namespace="lending"))]


MENU_HOOK = "register_lending_menu_item"
ENTRIES = [
    (_("My loans"), "lending:mine", (REQUEST_LOAN,), "user", 100),
    (_("Request a loan"), "lending:request", (REQUEST_LOAN,), "plus", 200),
    (_("Loan approvals"), "lending:queue", (APPROVE_LOAN,), "tasks", 300),
    (_("Loans"), "lending:loans", (LEND, VIEW_REGISTER), "list-ul", 400),
    (_("Reading in the room"), "lending:reading", (LEND,), "view", 500),
    (_("Handover"), "lending:handover", (LEND,), "resubmit", 550),
    (_("Checkout register"), "lending:register", (VIEW_REGISTER,), "history", 600),
]


def _entry(
    label: Any, url_name: str, actions: tuple[Permission, ...], icon: str, order: int
) -> Any:
    @hooks.register(MENU_HOOK)
    def item() -> MenuItem:
        return ActionMenuItem(
            label, reverse(url_name), actions=actions, icon_name=icon, order=order
        )

    return item


for _entry_args in ENTRIES:
    _entry(*_entry_args)


class CartMenuItem(ActionMenuItem):
    """ "Borrowing cart (3)": the entry says how many records wait in the user's cart."""

    def render_component(self, request: Any) -> Any:
        from records_dms.lending.selectors import cart_records

        component = super().render_component(request)
        count = cart_records(request.user).count()
        if count:
            component.label = f"{self.label} ({count})"
        return component


@hooks.register(MENU_HOOK)
def register_cart_menu_item() -> MenuItem:
    return CartMenuItem(
        _("Borrowing cart"),
        reverse("lending:cart"),
        actions=(REQUEST_LOAN,),
        icon_name="list-ul",
        order=150,
    )


@hooks.register("register_admin_menu_item")
def register_lending_menu() -> MenuItem:
    return ActionSubmenu(
        _("Lending"), Menu(register_hook_name=MENU_HOOK), icon_name="folder-open-inverse", order=300
    )


def _refusals(user: Any, *, deleting: bool) -> list[str]:
    """Why ``user`` may not be deactivated (or deleted) now; empty: nothing stands in the way."""
    from records_dms.lending.custody import kept_by_register, offboarding_blockers

    blockers = offboarding_blockers(user)
    if blockers:
        return [
            _("%(user)s still has to hand back or hand over: %(reasons)s.")
            % {"user": user.get_username(), "reasons": "; ".join(blockers)}
        ]
    if deleting and kept_by_register(user):
        return [
            _(
                "%(user)s appears in the checkout register, which keeps who they are: "
                "deactivate the account instead."
            )
            % {"user": user.get_username()}
        ]
    return []


def _refuse(request: Any, refusals: list[str], to: str) -> Any:
    from django.contrib import messages
    from django.shortcuts import redirect

    if not refusals:
        return None
    for message in refusals:
        messages.error(request, message)
    return redirect(to)


@hooks.register("before_edit_user")
def refuse_deactivating_a_user_with_loans(request: Any, user: Any) -> Any:
    """Staff hand back every dossier before leaving: no deactivation while anything is out."""
    deactivating = request.method == "POST" and user.is_active and "is_active" not in request.POST
    if deactivating and user.pk != request.user.pk:
        return _refuse(request, _refusals(user, deleting=False), request.path)
    return None


@hooks.register("before_delete_user")
def refuse_deleting_a_user_with_loans(request: Any, user: Any) -> Any:
    if request.method == "POST":
        return _refuse(request, _refusals(user, deleting=True), request.path)
    return None


@hooks.register("before_bulk_action")
def refuse_bulk_deactivating_users_with_loans(
    request: Any, action_type: str, objects: Any, action: Any
) -> Any:
    """The user list's bulk "set active state" (inactive) and "delete" obey the same rules."""
    from django.contrib.auth import get_user_model

    if getattr(action, "model", None) is not get_user_model():
        return None
    deleting = action_type == "delete"
    if action_type == "set_active_state":
        if action.cleaned_form.cleaned_data.get("mark_as_active"):
            return None
    elif not deleting:
        return None
    refusals = [
        message
        for user in objects
        if deleting or user.is_active
        for message in _refusals(user, deleting=deleting)
    ]
    return _refuse(request, refusals, action.next_url)
