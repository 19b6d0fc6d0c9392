"""What keeps a mobility on track: its checklist, its follow-ups and its documents."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from partners.audit import audit_record
from partners.uploads import serve_private_file

from .. import selectors, services
from ..forms import ChecklistAddForm, DocumentForm, FollowUpForm, service_errors_to_form
from .common import AuthenticatedRequest, require_manage, staff_required
from .mobilities import mobility_page


def _back(pk: int, anchor: str) -> HttpResponse:
    return redirect(reverse("mobility:mobility-detail", args=[pk]) + f"#{anchor}")


# --- Checklist --------------------------------------------------------------------------------
@staff_required
@require_POST
def checklist_toggle(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = selectors.checklist_item_get_for_user(user=request.user, pk=pk)
    require_manage(request, item.mobility.centre_id)
    item = services.checklist_item_set_done(
        item=item, done=request.POST.get("done") == "1", acting_user=request.user, request=request
    )
    if request.htmx:
        item = selectors.checklist_item_get_for_user(user=request.user, pk=pk)
        return render(request, "mobility/_checklist_item.html", {"item": item, "can_manage": True})
    return _back(item.mobility_id, f"task-{item.pk}")


@staff_required
@require_POST
def checklist_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mobility = selectors.mobility_get_for_user(user=request.user, pk=pk)
    require_manage(request, mobility.centre_id)
    form = ChecklistAddForm(request.POST)
    if form.is_valid():
        try:
            services.checklist_item_add(mobility=mobility, acting_user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, _("The task has been added."))
            return _back(mobility.pk, "checklist")
    mobility = selectors.mobility_detail_for_user(user=request.user, pk=pk)
    return mobility_page(request, mobility, status=400, checklist_form=form)


# --- Follow-ups -------------------------------------------------------------------------------
@staff_required
@require_POST
def followup_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mobility = selectors.mobility_get_for_user(user=request.user, pk=pk)
    require_manage(request, mobility.centre_id)
    form = FollowUpForm(request.POST, mobility=mobility)
    if form.is_valid():
        data = {
            k: form.cleaned_data.get(k)
            for k in ("done_on", "channel", "notes", "wellbeing", "needs_attention")
        }
        data["notes"] = data["notes"] or ""
        try:
            services.followup_record(
                mobility=mobility,
                followup=form.cleaned_data.get("followup"),
                data=data,
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        else:
            messages.success(request, _("The follow-up has been recorded."))
            return _back(mobility.pk, "followups")
    mobility = selectors.mobility_detail_for_user(user=request.user, pk=pk)
    return mobility_page(request, mobility, status=400, followup_form=form)


# --- Documents --------------------------------------------------------------------------------
@staff_required
@require_POST
def document_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mobility = selectors.mobility_get_for_user(user=request.user, pk=pk)
    require_manage(request, mobility.centre_id)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_upload(
                learner=mobility.participant,
                mobility=mobility,
                document_type=form.cleaned_data["document_type"],
                upload=form.cleaned_data["file"],
                valid_until=form.cleaned_data.get("valid_until"),
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            service_errors_to_form(form, exc, default_field="file")
        else:
            messages.success(request, _("The document has been uploaded."))
            return _back(mobility.pk, "documents")
    mobility = selectors.mobility_detail_for_user(user=request.user, pk=pk)
    return mobility_page(request, mobility, status=400, document_form=form)


@staff_required
@require_safe
def document_download(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """Sends the file after the access check; downloads of personal documents are logged."""
    document = selectors.document_get_for_user(user=request.user, pk=pk)
    audit_record(
        action="document.download",
        actor=request.user,
        target=document,
        centre_id=document.centre_id,
        data={"type": document.document_type.code, "mobility": document.mobility_id},
        request=request,
    )
    return serve_private_file(
        document.file, filename=document.original_name, content_type=document.content_type
    )


@staff_required
@require_POST
def document_delete(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    document = selectors.document_get_for_user(user=request.user, pk=pk)
    require_manage(request, document.centre_id)
    mobility_id, learner_id = document.mobility_id, document.learner_id
    services.document_delete(document=document, acting_user=request.user, request=request)
    messages.success(request, _("The document has been deleted."))
    if mobility_id and request.POST.get("from") != "learner":
        return _back(mobility_id, "documents")
    return redirect(reverse("mobility:learner-detail", args=[learner_id]) + "#documents")
