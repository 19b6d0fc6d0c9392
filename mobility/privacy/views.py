"""A learner's personal data: the page, the archive download and the erasure."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from mobility.learners import selectors
from mobility.learners.models import Learner
from mobility.privacy import archive as privacy
from mobility.privacy import erasure as privacy_erasure
from mobility.privacy.forms import LearnerEraseForm
from mobility.site.staff import (
    AuthenticatedRequest,
    require_manage,
    staff_required,
)
from partners.accounts.access import get_access, require_capability
from partners.accounts.roles import Capability
from partners.pages import errors_to_form


# --- Rights of the data subject ------------------------------------------------------------------
def _privacy_page(
    request: AuthenticatedRequest, learner: Learner, form: LearnerEraseForm | None = None
) -> HttpResponse:
    can_erase = get_access(request.user).can(Capability.ERASE_PERSONAL_DATA, learner.centre_id)
    export = privacy.learner_export_collect(learner=learner)
    certificates = [c for m in export.data["mobilities"] for c in m["certificates"]]
    context = {
        "learner": learner,
        "can_erase": can_erase,
        "form": form or (LearnerEraseForm(learner=learner) if can_erase else None),
        "held": {
            "mobilities": len(export.data["mobilities"]),
            "documents": len(export.data["documents"]),
            "consents": len(export.data["parental_consents"]),
            "files": len(export.files),
            "certificates": len(certificates),
            "emails": len(export.data["emails"]),
        },
        "retention_years": settings.RETENTION_YEARS,
    }
    return render(request, "mobility/learner_privacy.html", context, status=400 if form is not None else 200)


@staff_required
@require_safe
def learner_privacy(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    learner = selectors.learner_get_for_user(user=request.user, pk=pk)
    require_manage(request, learner.centre_id)
    return _privacy_page(request, learner)


@staff_required
@require_POST
def learner_personal_data_export(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    learner = selectors.learner_get_for_user(user=request.user, pk=pk)
    require_manage(request, learner.centre_id)
    try:
        filename, archive = privacy.learner_export_zip(
            learner=learner, acting_user=request.user, request=request
        )
    except privacy.TooManyExports as exc:
        messages.error(request, exc.messages[0])
        response = _privacy_page(request, learner)
        response.status_code = 429
        return response
    return FileResponse(archive, as_attachment=True, filename=filename, content_type="application/zip")


@staff_required
@require_POST
def learner_erase(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    learner = selectors.learner_get_for_user(user=request.user, pk=pk)
    require_capability(request.user, Capability.ERASE_PERSONAL_DATA, learner.centre_id)
    form = LearnerEraseForm(request.POST, learner=learner)
    if not form.is_valid():
        return _privacy_page(request, learner, form)
    try:
        result = privacy_erasure.learner_erase(
            learner=learner, acting_user=request.user, reason=form.cleaned_data["reason"], request=request
        )
    except ValidationError as exc:
        errors_to_form(form, exc, default_field="confirm_name")
        return _privacy_page(request, learner, form)
    messages.success(
        request,
        _(
            "The learner's personal data have been erased: %(files)d file(s) deleted; their mobilities "
            "stay in the statistics without their name."
        )
        % {"files": result.files},
    )
    return redirect("mobility:learner-list")
