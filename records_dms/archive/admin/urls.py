from django.urls import path

from records_dms.archive.admin.dossier import ComplaintEditView, ComplaintOpenView, DossierView
from records_dms.archive.admin.reading import record_page_image
from records_dms.archive.admin.records import (
    RecordEditView,
    RecordFileView,
    RecordView,
    record_download,
    record_rendition,
    record_stamped,
)
from records_dms.archive.admin.reindex import ReindexView, reindex_status
from records_dms.archive.admin.search import SearchView
from records_dms.common import converters  # noqa: F401  (registers <id:…>)

urlpatterns = [
    path("dossiers/<id:pk>/", DossierView.as_view(), name="dossier"),
    path("dossiers/<id:pk>/file/", RecordFileView.as_view(), name="record_file"),
    path("records/<id:pk>/searchable.pdf", record_rendition, name="record_rendition"),
    path("records/<id:pk>/stamped.pdf", record_stamped, name="record_stamped"),
    path("dossiers/<id:pk>/complaints/new/", ComplaintOpenView.as_view(), name="complaint_open"),
    path("complaints/<id:pk>/edit/", ComplaintEditView.as_view(), name="complaint_edit"),
    path("records/<id:pk>/", RecordView.as_view(), name="record"),
    path("records/<id:pk>/edit/", RecordEditView.as_view(), name="record_edit"),
    path("records/<id:pk>/download/", record_download, name="record_download"),
    path("records/<id:pk>/pages/<id:number>.png", record_page_image, name="record_page_image"),
    path("search/", SearchView.as_view(), name="search"),
    path("reindex/", ReindexView.as_view(), name="reindex"),
    path("reindex/<id:pk>/", reindex_status, name="reindex_status"),
]
