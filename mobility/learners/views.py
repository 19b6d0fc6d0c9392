"""The referent's pages for learners: list, record, edit, parental consent."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from mobility.documents.forms import DocumentForm
from mobility.learners import selectors, services
from mobility.learners.forms import ConsentForm, LearnerFilterForm, LearnerForm
from mobility.learners.models import Learner
from mobility.site.staff import (
    AuthenticatedRequest,
    can_manage,
    form_page,
    manageable_centres,
    may_create,
    paginate,
    require_manage,
    saved_to,
    staff_required,
    visible_centres,
)
from partners.audit.services import audit_record
from partners.pages import errors_to_form
from partners.uploads import serve_private_file


@staff_required
@require_safe
def learner_list(request: AuthenticatedRequest) -> HttpResponse:
    centres = visible_centres(request.user)
    qualifications = list(selectors.qualification_list_for_user(user=request.user))
    form = LearnerFilterForm(request.GET, centres=centres, qualifications=qualifications)
    values = form.values()
    sort = request.GET.get("sort") or "name"
    learners = selectors.learner_list_for_user(
        user=request.user,
        search=values.get("q") or "",
        centre_id=values.get("centre"),
        kind=values.get("kind") or "",
        qualification_id=values.get("qualification"),
        minors_only=bool(values.get("minors")),
        abroad_now=bool(values.get("abroad")),
        ordering=sort,
        with_mobility_summary=True,
    )
    page = paginate(request, selectors.learner_rows(learners))
    return render(
        request,
        "mobility/learner_list.html",
        {
            "page": page,
            "filter_form": form,
            "default_sort": "name",
            "show_centre": len(centres) > 1,
            "can_create": may_create(request.user),
            "filtered": any(v for k, v in values.items() if k != "sort"),
        },
    )


def learner_page(request: AuthenticatedRequest, learner: Learner, **forms: Any) -> HttpResponse:
    manage = can_manage(request, learner.centre_id)
    context = {
        "learner": learner,
        "can_manage": manage,
        "is_minor": learner.is_minor,
    }
    if manage:
        context["document_form"] = forms.get("document_form") or DocumentForm(learner=learner)
    return render(request, "mobility/learner_detail.html", context, status=400 if forms else 200)


@staff_required
@require_safe
def learner_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    learner = selectors.learner_detail_for_user(user=request.user, pk=pk)
    return learner_page(request, learner)


@staff_required
def learner_create(request: AuthenticatedRequest) -> HttpResponse:
    centres = manageable_centres(request.user)
    if not centres:
        raise PermissionDenied
    form = LearnerForm(request.POST if request.method == "POST" else None, user=request.user, centres=centres)

    def saved(learner: Any) -> HttpResponse:
        messages.success(request, _("%(name)s has been added.") % {"name": learner.full_name})
        return redirect("mobility:learner-detail", pk=learner.pk)

    return form_page(
        request,
        form,
        save=lambda: _create(request, form, centres),
        saved=saved,
        template="mobility/learner_form.html",
        context=lambda: {"learner": None},
    )


def _create(request: AuthenticatedRequest, form: LearnerForm, centres: list) -> Any:
    try:
        return services.learner_create(
            centre=form.cleaned_data.get("centre") or centres[0],
            data=form.service_data(),
            acting_user=request.user,
            request=request,
            confirm_duplicate=bool(form.cleaned_data.get("confirm_duplicate")),
        )
    except services.DuplicateLearner:
        if "confirm_duplicate" not in form.fields:
            form.offer_duplicate_confirmation()
        raise


@staff_required
def learner_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    learner = selectors.learner_get_for_user(user=request.user, pk=pk)
    require_manage(request, learner.centre_id)
    form = LearnerForm(
        request.POST if request.method == "POST" else None,
        instance=learner,
        user=request.user,
        centres=[learner.centre],
    )
    return form_page(
        request,
        form,
        save=lambda: services.learner_update(
            learner=learner, data=form.service_data(), acting_user=request.user, request=request
        ),
        saved=saved_to(request, _("The changes have been saved."), "mobility:learner-detail"),
        template="mobility/learner_form.html",
        context=lambda: {"learner": selectors.learner_get_for_user(user=request.user, pk=pk)},
    )


@staff_required
def consent_create(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    learner = selectors.learner_get_for_user(user=request.user, pk=pk)
    require_manage(request, learner.centre_id)
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        learner=learner,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(
                learner=learner,
                given_on=form.cleaned_data["given_on"],
                given_by=form.cleaned_data["given_by"],
                scan=form.cleaned_data.get("scan"),
                mobility=form.cleaned_data.get("mobility"),
                acting_user=request.user,
                request=request,
            )
        except ValidationError as exc:
            errors_to_form(form, exc, default_field="scan")
        else:
            messages.success(request, _("The parental consent has been recorded."))
            return redirect(reverse("mobility:learner-detail", args=[learner.pk]) + "#consent")
    return render(
        request,
        "mobility/consent_form.html",
        {"form": form, "learner": learner},
        status=400 if form.is_bound and form.errors else 200,
    )


@staff_required
@require_safe
def consent_scan(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    consent = selectors.consent_get_for_user(user=request.user, pk=pk)
    response = serve_private_file(consent.scan)
    audit_record(
        action="consent.download",
        actor=request.user,
        target=consent,
        centre_id=consent.learner.centre_id,
        data={"learner": consent.learner_id},
        request=request,
    )
    return response
