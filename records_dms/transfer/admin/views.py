"""The transfer register (移交登记簿), read-only: transfers are made with `dms transfer`."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from records_dms.accounts.admin.views import ArchiveView
from records_dms.transfer.permissions import VIEW_TRANSFERS
from records_dms.transfer.selectors import transfer_register


class TransferRegisterView(ArchiveView):
    template_name = "transfer/register.html"
    required_action = VIEW_TRANSFERS
    header_icon = "doc-full"

    def get_page_title(self) -> str:
        return _("Transfer register")

    def get(self, request: HttpRequest) -> HttpResponse:
        page = Paginator(transfer_register(user=request.user), 50).get_page(request.GET.get("p"))
        return self.render_to_response(self.get_context_data(page=page))
