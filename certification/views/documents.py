"""The documents of a mobility, a group or a project: the pages and the requests that start renders."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from certification import selectors
from certification.forms import (
    BundleForm,
    GroupIssueForm,
)
from certification.services import groups as services_groups
from certification.services import jobs as services
from partners.accounts.access import get_access
from partners.accounts.roles import Capability
from partners.directory.models import Organisation
from partners.pages import errors_to_messages, redirect_back, staff_user


# --- Documents of a mobility, a group, a project ------------------------------------------------
def _panel_page(request: HttpRequest, *, title: str, subtitle: str, panel: str | None) -> HttpResponse:
    return render(
        request,
        "certification/documents_page.html",
        {"title": title, "subtitle": subtitle, "panel": panel or ""},
    )


@login_required
@require_GET
def mobility_documents(request: HttpRequest, mobility_id: int) -> HttpResponse:
    """The mobility's certificates and documents on a page of their own."""
    from certification.panels import mobility_documents as panel

    mobility = selectors.mobility_get_for_user(user=staff_user(request), pk=mobility_id)
    return _panel_page(
        request,
        title=mobility.participant.full_name,
        subtitle=f"{mobility.reference} — {mobility.host_city}",
        panel=panel(request, mobility),
    )


@login_required
@require_GET
def group_documents(request: HttpRequest, group_id: int) -> HttpResponse:
    from certification.panels import group_documents as panel

    group = selectors.group_get_for_user(user=staff_user(request), pk=group_id)
    return _panel_page(request, title=group.name, subtitle=group.host_city, panel=panel(request, group))


@login_required
@require_GET
def project_documents(request: HttpRequest, project_id: int) -> HttpResponse:
    from certification.panels import project_documents as panel

    project = selectors.project_get_for_user(user=staff_user(request), pk=project_id)
    return _panel_page(
        request, title=project.title, subtitle=project.grant_agreement_number, panel=panel(request, project)
    )


# --- Other documents ----------------------------------------------------------------------------
def _job_started(request: HttpRequest, job) -> HttpResponse:
    messages.success(request, _("“%(document)s” is being rendered.") % {"document": job.get_kind_display()})
    return redirect_back(request, reverse("certification:job-detail", args=[job.pk]))


@login_required
@require_POST
def agreement_pdf(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(
        user=staff_user(request), pk=agreement_id, capability=Capability.ISSUE_CERTIFICATES
    )
    job = services.agreement_pdf_request(
        agreement=agreement, acting_user=staff_user(request), request=request
    )
    return _job_started(request, job)


@login_required
@require_POST
def attendance_request(request: HttpRequest, mobility_id: int) -> HttpResponse:
    mobility = selectors.mobility_get_for_user(
        user=staff_user(request), pk=mobility_id, capability=Capability.ISSUE_CERTIFICATES
    )
    try:
        job = services.attendance_request(mobility=mobility, acting_user=staff_user(request), request=request)
    except ValidationError as error:
        errors_to_messages(request, error)
        return redirect_back(request, reverse("certification:job-list"))
    return _job_started(request, job)


@login_required
@require_POST
def funding_document_request(request: HttpRequest, mobility_id: int, kind: str) -> HttpResponse:
    mobility = selectors.mobility_get_for_user(
        user=staff_user(request), pk=mobility_id, capability=Capability.ISSUE_CERTIFICATES
    )
    try:
        job = services.funding_document_request(
            mobility=mobility, kind=kind, acting_user=staff_user(request), request=request
        )
    except ValidationError as error:
        errors_to_messages(request, error)
        return redirect_back(request, reverse("mobility:mobility-detail", args=[mobility.pk]))
    return _job_started(request, job)


@login_required
@require_POST
def group_issue(request: HttpRequest, group_id: int) -> HttpResponse:
    group = selectors.group_get_for_user(
        user=staff_user(request), pk=group_id, capability=Capability.ISSUE_CERTIFICATES
    )
    form = GroupIssueForm(request.POST)
    form.is_valid()
    try:
        issued, background = services_groups.group_certificates_request(
            group=group,
            acting_user=staff_user(request),
            bilingual=form.cleaned_data.get("bilingual", False),
            request=request,
        )
    except ValidationError as error:
        errors_to_messages(request, error)
        return redirect_back(request, reverse("certification:job-list"))
    if background is not None:
        messages.success(
            request,
            _("The %(count)s certificates are being issued and rendered; this page shows their progress.")
            % {"count": background.total},
        )
    elif issued:
        messages.success(request, _("%(count)s certificates are being rendered.") % {"count": len(issued)})
    else:
        messages.warning(request, _("No mobility of this group is waiting for its certificate."))
    return redirect_back(request, reverse("certification:job-list"))


@login_required
@require_GET
def group_progress(request: HttpRequest, group_id: int) -> HttpResponse:
    """How many of the group's certificates are ready: an HTMX fragment that polls while some render."""
    from certification.panels import group_progress_context

    group = selectors.group_get_for_user(user=staff_user(request), pk=group_id)
    return render(request, "certification/_group_progress.html", group_progress_context(group=group))


@login_required
@require_POST
def group_bundle(request: HttpRequest, group_id: int) -> HttpResponse:
    group = selectors.group_get_for_user(
        user=staff_user(request), pk=group_id, capability=Capability.ISSUE_CERTIFICATES
    )
    form = BundleForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        job = services.bundle_request(
            kind=form.cleaned_data["kind"], group=group, acting_user=staff_user(request), request=request
        )
    except ValidationError as error:
        errors_to_messages(request, error)
        return redirect_back(request, reverse("certification:job-list"))
    return _job_started(request, job)


@login_required
@require_POST
def project_bundle(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get_for_user(
        user=staff_user(request), pk=project_id, capability=Capability.ISSUE_CERTIFICATES
    )
    form = BundleForm(request.POST)
    if not form.is_valid() or not form.cleaned_data.get("centre"):
        raise Http404
    centre_id = form.cleaned_data["centre"]
    if centre_id not in get_access(request.user).centre_ids:
        raise Http404
    centre = Organisation.objects.get(pk=centre_id)
    try:
        job = services.bundle_request(
            kind=form.cleaned_data["kind"],
            project=project,
            centre=centre,
            acting_user=staff_user(request),
            request=request,
        )
    except ValidationError as error:
        errors_to_messages(request, error)
        return redirect_back(request, reverse("certification:job-list"))
    return _job_started(request, job)
