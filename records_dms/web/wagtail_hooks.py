from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy

from records_dms.accounts.roles import Action
from records_dms.archive.models import Customer

from . import admin_urls
from .menu import ActionMenuItem
from .permissions import CustomerPermissionPolicy
from .views.customers import CustomerViewSet

register_permission_policy(Customer, CustomerPermissionPolicy(Customer))


@hooks.register("register_admin_viewset")
def register_customer_viewset() -> CustomerViewSet:
    return CustomerViewSet("customers")


@hooks.register("register_admin_urls")
def register_archive_urls() -> list[Any]:
    return [path("archive/", include((admin_urls.urlpatterns, "web"), namespace="web"))]


@hooks.register("register_admin_menu_item")
def register_ingestion_menu_item() -> MenuItem:
    return ActionMenuItem(
        _("Ingestion queue"),
        reverse("web:jobs"),
        actions=(Action.ADD_RECORD,),
        icon_name="upload",
        order=200,
    )


@hooks.register("register_admin_menu_item")
def register_audit_menu_item() -> MenuItem:
    return ActionMenuItem(
        _("Audit trail"),
        reverse("web:audit"),
        actions=(Action.VIEW_AUDIT,),
        icon_name="history",
        order=900,
    )


@hooks.register("register_admin_menu_item")
def register_search_menu_item() -> MenuItem:
    return ActionMenuItem(
        _("Search"),
        reverse("web:search"),
        actions=(Action.VIEW_RECORD,),
        icon_name="search",
        order=150,
    )
