"""The learner's documents and checklist on the guest pages."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mobility.catalogue.models import Assignee, DocumentType
from mobility.documents.models import Document
from mobility.guests.forms import (
    UploadForm,
)
from mobility.guests.services.sessions import guest_mobility_get, guest_required
from mobility.guests.views.pages import LEARNER
from mobility.mobilities.models import Mobility
from mobility.tracking.models import ChecklistItem
from partners.audit.services import audit_record
from partners.pages import errors_to_form
from partners.uploads import serve_private_file


# --- Learner: tasks and documents ---------------------------------------------------------------
def _asked_document_types(mobility: Mobility) -> list[DocumentType]:
    from mobility.documents.selectors import document_applies, missing_documents, participant_is_minor

    minor = participant_is_minor(mobility)
    asked: dict[int, DocumentType] = {
        item.document_type.pk: item.document_type
        for item in ChecklistItem.objects.filter(
            mobility=mobility, assignee=Assignee.LEARNER, document_type__isnull=False
        ).select_related("document_type")
        if item.document_type is not None and document_applies(item.document_type, minor=minor)
    }
    for doc_type in missing_documents(mobility=mobility):
        asked.setdefault(doc_type.pk, doc_type)
    return sorted(asked.values(), key=lambda t: (t.order, t.label))


def _learner_documents(mobility: Mobility) -> list[Document]:
    return list(
        Document.objects.filter(learner_id=mobility.participant_id)
        .filter(Q(mobility=mobility) | Q(mobility__isnull=True))
        .select_related("document_type")
        .order_by("-created_at")
    )


@guest_required
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest, pk: int) -> HttpResponse:
    mobility, grant = guest_mobility_get(guest=request.guest, pk=pk, roles=LEARNER)  # type: ignore[attr-defined]
    from mobility.documents.services import document_upload

    asked = _asked_document_types(mobility)
    form = UploadForm(request.POST or None, request.FILES or None, document_types=asked)
    if request.method == "POST" and form.is_valid():
        doc_type = next(t for t in asked if t.pk == form.cleaned_data["document_type"])
        try:
            document_upload(
                learner=mobility.participant,
                document_type=doc_type,
                upload=form.cleaned_data["file"],
                mobility=mobility,
                acting_user=None,
                uploaded_by_label=grant.label,
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc, default_field="file")
        else:
            messages.success(request, _("%(document)s uploaded. Thank you.") % {"document": doc_type.label})
            return redirect("guest:documents", pk=mobility.pk)
    from mobility.documents.selectors import document_applies, documents_present, participant_is_minor

    minor = participant_is_minor(mobility)
    items = [
        item
        for item in ChecklistItem.objects.filter(mobility=mobility, assignee=Assignee.LEARNER)
        .select_related("template", "document_type")
        .order_by("done_at", "due_date", "order", "id")
        if item.document_type is None or document_applies(item.document_type, minor=minor)
    ]
    present = documents_present(mobility=mobility)
    return render(
        request,
        "guest/documents.html",
        {
            "mobility": mobility,
            "grant": grant,
            "items": items,
            "asked": [(t, t.pk in present) for t in asked],
            "documents": _learner_documents(mobility),
            "form": form,
        },
    )


@guest_required
@require_POST
def checklist_done(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    mobility, grant = guest_mobility_get(guest=request.guest, pk=pk, roles=LEARNER)  # type: ignore[attr-defined]
    from mobility.tracking.services import checklist_item_set_done

    item = ChecklistItem.objects.filter(
        pk=item_pk, mobility=mobility, assignee=Assignee.LEARNER, document_type__isnull=True
    ).first()
    if item is None:
        raise Http404
    checklist_item_set_done(
        item=item,
        done=request.POST.get("done") != "0",
        acting_user=None,
        actor_label=grant.label,
        request=request,
    )
    return redirect("guest:documents", pk=mobility.pk)


@guest_required
@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponseBase:
    mobility, grant = guest_mobility_get(guest=request.guest, pk=pk, roles=LEARNER)  # type: ignore[attr-defined]
    document = next((d for d in _learner_documents(mobility) if d.pk == document_pk), None)
    if document is None:
        raise Http404
    audit_record(
        action="document.download",
        actor_label=grant.label,
        target=document,
        centre_id=document.centre_id,
        request=request,
    )
    return serve_private_file(
        document.file, filename=document.original_name, content_type=document.content_type
    )
