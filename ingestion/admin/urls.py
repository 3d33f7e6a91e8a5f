from django.urls import path

from ingestion.admin.jobs import JobListView
from ingestion.admin.upload import UploadView, job_retry, upload_status
from records_dms.common import converters  # noqa: F401  (registers <id:…>)

urlpatterns = [
    path("dossiers/<id:pk>/upload/", UploadView.as_view(), name="upload"),
    path("uploads/<uuid:batch>/", upload_status, name="upload_status"),
    path("jobs/", JobListView.as_view(), name="jobs"),
    path("jobs/<uuid:pk>/retry/", job_retry, name="job_retry"),
]
