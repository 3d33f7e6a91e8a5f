"""Customer list (search, filters), create and edit, through the archive services."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.forms import modelform_factory
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet

from records_dms.archive.models import Customer
from records_dms.archive.selectors import visible_customers
from records_dms.archive.services import CUSTOMER_FIELDS, customer_create, customer_update
from records_dms.common.converters import as_id

FORM_FIELDS = ["code", "name", *CUSTOMER_FIELDS]


class DossierTitleColumn(TitleColumn):
    def get_link_url(self, instance: Customer, parent_context: Any) -> str:
        return reverse("archive:dossier", args=[instance.pk])


class CustomerIndexView(generic.IndexView):
    def get_base_queryset(self) -> QuerySet[Customer]:
        return visible_customers(user=self.request.user).select_related("owner")


class CustomerCreateView(generic.CreateView):
    def save_instance(self) -> Customer:
        data = {field: self.form.cleaned_data[field] for field in FORM_FIELDS}
        try:
            return customer_create(actor=self.request.user, **data)
        except ValidationError as error:  # pragma: no cover - the form validates first
            self.form.add_error(None, error)
            raise


class CustomerEditView(generic.EditView):
    def get_object(self, queryset: QuerySet[Customer] | None = None) -> Customer:
        # Wagtail routes any text as the key: one not an id, unknown, or out of reach is a 404.
        pk = as_id(self.kwargs["pk"])
        customer: Customer = get_object_or_404(visible_customers(user=self.request.user), pk=pk)
        return customer

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs: dict[str, Any] = super().get_form_kwargs()
        # Edit a copy: the service compares it with the stored row to record before/after.
        kwargs["instance"] = Customer.objects.get(pk=self.object.pk)
        return kwargs

    def get_usage_url(self) -> None:
        return None

    def get_history_url(self) -> None:
        return None

    def save_instance(self) -> Customer:
        data = {field: self.form.cleaned_data[field] for field in FORM_FIELDS if field != "code"}
        return customer_update(customer=self.object, actor=self.request.user, **data)


class CustomerViewSet(ModelViewSet):
    model = Customer
    icon = "group"
    menu_label = _("Customers")
    menu_order = 100
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = CustomerIndexView
    add_view_class = CustomerCreateView
    edit_view_class = CustomerEditView
    form_fields = FORM_FIELDS
    search_fields = ["code", "name", "industry", "region", "contacts"]
    search_backend_name = None
    list_filter = ["kind", "industry", "region", "status"]
    list_display = [
        DossierTitleColumn("code", label=_("customer code"), sort_key="code"),
        "name",
        Column("kind", label=_("kind"), accessor="get_kind_display"),
        "industry",
        "region",
        Column("status", label=_("relationship status"), accessor="get_status_display"),
    ]
    ordering = ["code"]

    def get_form_class(self, for_update: bool = False) -> Any:
        # The customer code is the dossier's identity: set once, never edited.
        fields = FORM_FIELDS[1:] if for_update else FORM_FIELDS
        return modelform_factory(Customer, form=WagtailAdminModelForm, fields=fields)

    def get_urlpatterns(self) -> list[Any]:
        # No delete view: a dossier is never removed, only sealed or destroyed by retention.
        # No history or usage views either: the audit trail is the history.
        kept = {"index", "index_results", "add", "edit"}
        return [p for p in super().get_urlpatterns() if p.name in kept]
