from django.urls import path

from records_dms.archive.admin.dossier import ComplaintEditView, ComplaintOpenView, DossierView
from records_dms.archive.admin.records import (
    RecordEditView,
    RecordFileView,
    RecordView,
    record_download,
    record_rendition,
)
from records_dms.archive.admin.search import SearchView

urlpatterns = [
    path("dossiers/<int:pk>/", DossierView.as_view(), name="dossier"),
    path("dossiers/<int:pk>/file/", RecordFileView.as_view(), name="record_file"),
    path("records/<int:pk>/searchable.pdf", record_rendition, name="record_rendition"),
    path("dossiers/<int:pk>/complaints/new/", ComplaintOpenView.as_view(), name="complaint_open"),
    path("complaints/<int:pk>/edit/", ComplaintEditView.as_view(), name="complaint_edit"),
    path("records/<int:pk>/", RecordView.as_view(), name="record"),
    path("records/<int:pk>/edit/", RecordEditView.as_view(), name="record_edit"),
    path("records/<int:pk>/download/", record_download, name="record_download"),
    path("search/", SearchView.as_view(), name="search"),
]
