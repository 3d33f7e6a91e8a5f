"""The reindex screen (administrators): start a rebuild, watch its progress without reloading."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from records_dms.accounts.admin.views import ArchiveView, require_action
from records_dms.archive.models import SearchRebuild
from records_dms.archive.permissions import REINDEX
from records_dms.archive.rebuilds import rebuild_start, rebuild_status


class ReindexView(ArchiveView):
    template_name = "archive/reindex.html"
    required_action = REINDEX
    header_icon = "resubmit"

    def get_page_title(self) -> str:
        return _("Rebuild the search index")

    def get(self, request: HttpRequest) -> HttpResponse:
        latest = SearchRebuild.objects.first()
        return self.render_to_response(
            self.get_context_data(
                latest=latest,
                status=rebuild_status(latest) if latest else None,
                status_url=reverse("archive:reindex_status", args=[latest.pk]) if latest else "",
            )
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        rebuild_start(actor=request.user)
        return redirect(reverse("archive:reindex"))


def reindex_status(request: HttpRequest, pk: int) -> JsonResponse:
    """The small JSON the reindex screen's script polls."""
    require_action(request, REINDEX)
    return JsonResponse(rebuild_status(get_object_or_404(SearchRebuild, pk=pk)))
