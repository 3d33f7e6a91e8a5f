from django.urls import path

from records_dms.common import converters  # noqa: F401  (registers <id:…>)
from retention.admin import destruction, execution, holds, review, sealing

urlpatterns = [
    path("queue/", review.QueueView.as_view(), name="queue"),
    path("schedules/", review.ScheduleListView.as_view(), name="schedules"),
    path("schedules/<id:pk>/", review.ScheduleEditView.as_view(), name="schedule_edit"),
    path("holds/", holds.HoldListView.as_view(), name="holds"),
    path("holds/new/", holds.HoldPlaceView.as_view(), name="hold_new"),
    path("holds/<id:pk>/", holds.HoldView.as_view(), name="hold"),
    path("holds/<id:pk>/lift/", holds.hold_lift_view, name="hold_lift"),
    path("destruction/", destruction.RequestListView.as_view(), name="requests"),
    path("destruction/<id:pk>/", destruction.RequestView.as_view(), name="request"),
    path("destruction/<id:pk>/approve/", destruction.request_approve, name="request_approve"),
    path("destruction/<id:pk>/reject/", destruction.request_reject, name="request_reject"),
    path(
        "destruction/<id:pk>/execute/",
        execution.ExecuteView.as_view(),
        name="request_execute",
    ),
    path(
        "destruction/<id:pk>/progress.json",
        execution.progress_view,
        name="request_progress",
    ),
    path(
        "destruction/<id:pk>/certificate.pdf",
        destruction.certificate_download,
        name="certificate",
    ),
    path("seals/", sealing.SealListView.as_view(), name="seals"),
    path("seals/<id:pk>/unseal/", sealing.unseal_view, name="unseal"),
    path("seals/<id:pk>/propose/", sealing.seal_propose_view, name="seal_propose"),
    path("deletion-requests/", sealing.DeletionListView.as_view(), name="deletions"),
    path("deletion-requests/new/", sealing.DeletionRegisterView.as_view(), name="deletion_new"),
    path("deletion-requests/<id:pk>/", sealing.DeletionView.as_view(), name="deletion"),
    path("deletion-requests/<id:pk>/answer/", sealing.deletion_answer_view, name="deletion_answer"),
    path(
        "deletion-requests/<id:pk>/letter.pdf",
        sealing.deletion_letter_view,
        name="deletion_letter",
    ),
]
