from django.urls import path

from .views import destruction, holds, review

urlpatterns = [
    path("queue/", review.QueueView.as_view(), name="queue"),
    path("schedules/", review.ScheduleListView.as_view(), name="schedules"),
    path("schedules/<int:pk>/", review.ScheduleEditView.as_view(), name="schedule_edit"),
    path("holds/", holds.HoldListView.as_view(), name="holds"),
    path("holds/new/", holds.HoldPlaceView.as_view(), name="hold_new"),
    path("holds/<int:pk>/", holds.HoldView.as_view(), name="hold"),
    path("holds/<int:pk>/lift/", holds.hold_lift_view, name="hold_lift"),
    path("destruction/", destruction.RequestListView.as_view(), name="requests"),
    path("destruction/<int:pk>/", destruction.RequestView.as_view(), name="request"),
    path("destruction/<int:pk>/approve/", destruction.request_approve, name="request_approve"),
    path("destruction/<int:pk>/reject/", destruction.request_reject, name="request_reject"),
    path("destruction/<int:pk>/execute/", destruction.request_execute, name="request_execute"),
    path(
        "destruction/<int:pk>/certificate.pdf",
        destruction.certificate_download,
        name="certificate",
    ),
]
