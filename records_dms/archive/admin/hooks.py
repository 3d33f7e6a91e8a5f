"""The archive in the Wagtail admin: customers, dossiers, records and search."""

from typing import Any

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.search import SearchArea
from wagtail.permissions import register_permission_policy

from records_dms.accounts.admin.menu import ActionMenuItem
from records_dms.accounts.policy import policy
from records_dms.archive.admin import urls
from records_dms.archive.admin.customers import CustomerViewSet
from records_dms.archive.admin.permissions import CustomerPermissionPolicy
from records_dms.archive.models import Customer
from records_dms.archive.permissions import REINDEX, VIEW_RECORD

register_permission_policy(Customer, CustomerPermissionPolicy(Customer))


@hooks.register("register_admin_viewset")
def register_customer_viewset() -> CustomerViewSet:
    return CustomerViewSet("customers")


@hooks.register("register_admin_urls")
def register_archive_urls() -> list[Any]:
    return [path("archive/", include((urls.urlpatterns, "archive"), namespace="archive"))]


@hooks.register("register_admin_menu_item")
def register_search_menu_item() -> MenuItem:
    return ActionMenuItem(
        _("Search"),
        reverse("archive:search"),
        actions=(VIEW_RECORD,),
        icon_name="search",
        order=150,
    )


class RecordSearchArea(SearchArea):
    """The sidebar's search box searches records (Wagtail's own searches pages, which no role
    of ours may open)."""

    def is_shown(self, request: Any) -> bool:
        return policy.has(request.user, VIEW_RECORD)


@hooks.register("register_admin_search_area")
def register_record_search_area() -> SearchArea:
    return RecordSearchArea(
        _("Records"), reverse("archive:search"), name="records", icon_name="search", order=10
    )


@hooks.register("register_admin_menu_item")
def register_reindex_menu_item() -> MenuItem:
    return ActionMenuItem(
        _("Rebuild the search index"),
        reverse("archive:reindex"),
        actions=(REINDEX,),
        icon_name="resubmit",
        order=900,
    )
