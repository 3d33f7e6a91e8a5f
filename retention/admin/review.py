"""The review queue (到期鉴定) for clerks, and the schedules."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from records_dms.accounts.policy import policy
from records_dms.archive.selectors import records_by_reference, visible_customers
from retention.admin.base import RetentionView, error_text
from retention.admin.forms import QueueFilterForm, ScheduleForm
from retention.models import RetentionSchedule
from retention.permissions import MANAGE_SCHEDULES, REVIEW_RETENTION, VIEW_RETENTION
from retention.services.destruction import destruction_request_propose
from retention.services.review import (
    due_records,
    retention_extend,
    retention_keep_permanently,
    retention_transfer,
)
from retention.services.schedules import retention_backfill, schedule_update


class QueueView(RetentionView):
    template_name = "retention/queue.html"
    required_action = REVIEW_RETENTION
    header_icon = "time"

    def get_page_title(self) -> str:
        return _("Review queue")

    def get(self, request: HttpRequest) -> HttpResponse:
        retention_backfill()
        form = QueueFilterForm(request.GET or None)
        # A sealed dossier's name is not offered to those who may not see it.
        form.fields["customer"].queryset = visible_customers(user=request.user)  # type: ignore[attr-defined]
        filters = form.cleaned_data if form.is_valid() else {}
        on = filters.get("on") or timezone.localdate()
        rows = due_records(
            on,
            user=request.user,
            customer=filters["customer"].pk if filters.get("customer") else None,
            record_type=filters.get("type") or "",
            schedule=filters["schedule"].pk if filters.get("schedule") else None,
        )
        page = Paginator(rows, 100).get_page(request.GET.get("p"))
        return self.render_to_response(self.get_context_data(form=form, page=page, on=on))

    def post(self, request: HttpRequest) -> HttpResponseBase:
        action = request.POST.get("action", "")
        reason = request.POST.get("reason", "")
        try:
            records = records_by_reference(
                user=request.user, references=request.POST.getlist("reference")
            )
            if not records:
                raise ValidationError(_("Choose at least one record."))
            if action == "propose":
                destruction = destruction_request_propose(
                    records=records, actor=request.user, reason=reason
                )
                messages.success(request, _("Destruction request %s submitted.") % destruction)
                return redirect(reverse("retention:request", args=[destruction.pk]))
            if action == "extend":
                until = datetime.date.fromisoformat(request.POST.get("until", ""))
                retention_extend(records=records, until=until, reason=reason, actor=request.user)
                messages.success(request, _("Kept longer: %d records.") % len(records))
            elif action == "keep":
                retention_keep_permanently(records=records, reason=reason, actor=request.user)
                messages.success(request, _("Kept permanently: %d records.") % len(records))
            elif action == "transfer":
                package = retention_transfer(records=records, reason=reason, actor=request.user)
                return FileResponse(package.open("rb"), as_attachment=True, filename=package.name)
            else:
                raise ValidationError(_("Choose an action."))
        except ValueError:
            messages.error(request, _("Give the new due date."))
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        return redirect(request.get_full_path())


class ScheduleListView(RetentionView):
    template_name = "retention/schedules.html"
    any_of = (VIEW_RETENTION, MANAGE_SCHEDULES)
    header_icon = "list-ul"

    def get_page_title(self) -> str:
        return _("Retention schedules")

    def get(self, request: HttpRequest) -> HttpResponse:

        return self.render_to_response(
            self.get_context_data(
                schedules=RetentionSchedule.objects.all(),
                can_edit=policy.has(request.user, MANAGE_SCHEDULES),
            )
        )


class ScheduleEditView(RetentionView):
    template_name = "retention/form.html"
    required_action = MANAGE_SCHEDULES
    header_icon = "list-ul"

    def get_page_title(self) -> str:
        return _("Edit retention schedule")

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        schedule = get_object_or_404(RetentionSchedule, pk=pk)
        form = ScheduleForm(initial=ScheduleForm.initial_for(schedule))
        return self.render_to_response(self.get_context_data(form=form, schedule=schedule))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        schedule = get_object_or_404(RetentionSchedule, pk=pk)
        form = ScheduleForm(request.POST)
        if form.is_valid():
            try:
                schedule_update(schedule=schedule, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Schedule %s saved; due dates recomputed.") % schedule)
                return redirect(reverse("retention:schedules"))
        return self.render_to_response(self.get_context_data(form=form, schedule=schedule))
