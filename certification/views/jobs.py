"""Staff pages of document jobs: list, detail, progress, download, retry."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from certification import selectors
from certification.forms import (
    JobFilterForm,
)
from certification.models import JobStatus
from certification.services import jobs as services
from partners.accounts.access import get_access
from partners.accounts.roles import Capability
from partners.pages import errors_to_messages, redirect_back, staff_user
from partners.uploads import serve_private_file


# --- Document jobs ------------------------------------------------------------------------------
@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    form = JobFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    jobs = selectors.job_list_for_user(
        user=staff_user(request), kind=filters.get("kind", ""), status=filters.get("status", "")
    )
    page = Paginator(jobs, 25).get_page(request.GET.get("page"))
    access = get_access(request.user)
    issuing = access.centres_with(Capability.ISSUE_CERTIFICATES)
    for job in page.object_list:
        job.can_issue = job.centre_id in issuing  # the retry button of a failed job
    return render(
        request,
        "certification/job_list.html",
        {
            "form": form,
            "page": page,
            "jobs": page.object_list,
            "several_centres": len(access.centre_ids) > 1,
        },
    )


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get_for_user(user=staff_user(request), pk=pk)
    return render(
        request,
        "certification/job_detail.html",
        {"job": job, "can_issue": selectors.can_issue(staff_user(request), job.centre_id)},
    )


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's status as an HTMX fragment; it keeps polling itself while the job is pending."""
    job = selectors.job_get_for_user(user=staff_user(request), pk=pk)
    # The retry form sends the person back to the page the fragment sits on, not to the fragment.
    htmx = getattr(request, "htmx", None)
    page = getattr(htmx, "current_url_abs_path", None) if htmx else None
    return render(
        request,
        "certification/_job_status.html",
        {
            "job": job,
            "can_issue": selectors.can_issue(staff_user(request), job.centre_id),
            "next": page or reverse("certification:job-detail", args=[job.pk]),
        },
    )


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = selectors.job_get_for_user(user=staff_user(request), pk=pk)
    if job.status != JobStatus.READY or not job.file:
        raise Http404
    services.document_download_record(job=job, user=staff_user(request), request=request)
    return serve_private_file(job.file, filename=job.filename, content_type=job.content_type or None)


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get_for_user(
        user=staff_user(request), pk=pk, capability=Capability.ISSUE_CERTIFICATES
    )
    try:
        services.document_job_retry(job=job, acting_user=staff_user(request), request=request)
        messages.success(request, _("The document will be rendered again."))
    except ValidationError as error:
        errors_to_messages(request, error)
    return redirect_back(request, reverse("certification:job-detail", args=[job.pk]))
