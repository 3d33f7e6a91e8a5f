from django.urls import path

from .views.audit import AuditTrailView
from .views.dossier import ComplaintEditView, ComplaintOpenView, DossierView
from .views.jobs import JobListView
from .views.records import (
    RecordEditView,
    RecordFileView,
    RecordView,
    record_download,
    record_rendition,
)
from .views.search import SearchView
from .views.upload import UploadView, job_retry, upload_status

urlpatterns = [
    path("dossiers/<int:pk>/", DossierView.as_view(), name="dossier"),
    path("dossiers/<int:pk>/file/", RecordFileView.as_view(), name="record_file"),
    path("dossiers/<int:pk>/upload/", UploadView.as_view(), name="upload"),
    path("uploads/<uuid:batch>/", upload_status, name="upload_status"),
    path("jobs/", JobListView.as_view(), name="jobs"),
    path("jobs/<uuid:pk>/retry/", job_retry, name="job_retry"),
    path("records/<int:pk>/searchable.pdf", record_rendition, name="record_rendition"),
    path("dossiers/<int:pk>/complaints/new/", ComplaintOpenView.as_view(), name="complaint_open"),
    path("complaints/<int:pk>/edit/", ComplaintEditView.as_view(), name="complaint_edit"),
    path("records/<int:pk>/", RecordView.as_view(), name="record"),
    path("records/<int:pk>/edit/", RecordEditView.as_view(), name="record_edit"),
    path("records/<int:pk>/download/", record_download, name="record_download"),
    path("audit/", AuditTrailView.as_view(), name="audit"),
    path("search/", SearchView.as_view(), name="search"),
]
