"""Uploading, downloading (audited) and deleting documents from the referent's pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mobility.documents import selectors, services
from mobility.documents.forms import DocumentForm
from mobility.learners import selectors as learners_selectors
from mobility.learners.views import learner_page
from mobility.mobilities import selectors as mobilities_selectors
from mobility.mobilities.views import mobility_page
from mobility.site.staff import (
    AuthenticatedRequest,
    require_manage,
    staff_required,
)
from mobility.tracking.views import back_to_mobility
from partners.audit.services import audit_record
from partners.pages import errors_to_form
from partners.uploads import serve_private_file


@staff_required
@require_POST
def learner_document_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    learner = learners_selectors.learner_get_for_user(user=request.user, pk=pk)
    require_manage(request, learner.centre_id)
    form = DocumentForm(request.POST, request.FILES, learner=learner)
    if form.is_valid():
        try:
            services.document_upload(
                learner=learner,
                mobility=form.cleaned_data.get("mobility"),
                document_type=form.cleaned_data["document_type"],
                upload=form.cleaned_data["file"],
                valid_until=form.cleaned_data.get("valid_until"),
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc, default_field="file")
        else:
            messages.success(request, _("The document has been uploaded."))
            return redirect(reverse("mobility:learner-detail", args=[learner.pk]) + "#documents")
    learner = learners_selectors.learner_detail_for_user(user=request.user, pk=pk)
    return learner_page(request, learner, document_form=form)


# --- Documents --------------------------------------------------------------------------------
@staff_required
@require_POST
def document_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    mobility = mobilities_selectors.mobility_get_for_user(user=request.user, pk=pk)
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
            errors_to_form(form, exc, default_field="file")
        else:
            messages.success(request, _("The document has been uploaded."))
            return back_to_mobility(mobility.pk, "documents")
    mobility = mobilities_selectors.mobility_detail_for_user(user=request.user, pk=pk)
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
        return back_to_mobility(mobility_id, "documents")
    return redirect(reverse("mobility:learner-detail", args=[learner_id]) + "#documents")
