"""Pages of the certification app: document jobs, certificates, and the public verification page.

Views fetch through selectors (404 for another centre's objects, 403 without the capability),
call one service, and redirect back to the page the action came from.
"""

from __future__ import annotations

import hashlib
import json
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_countries import countries

from partners.access import get_access
from partners.http import client_ip
from partners.models import Organisation, User
from partners.roles import Capability
from partners.uploads import serve_private_file

from . import selectors, services
from .forms import (
    BundleForm,
    GroupIssueForm,
    IssueForm,
    JobFilterForm,
    ReissueForm,
    RevokeForm,
    VerifyLookupForm,
    VerifyUploadForm,
)
from .models import Certificate, CertificateStatus, JobStatus


def _staff(request: HttpRequest) -> User:
    """The signed-in person (every staff view is behind ``login_required``)."""
    return cast(User, request.user)


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back to the page the form was on (a local address only), else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


def _error(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- Document jobs ------------------------------------------------------------------------------
@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    form = JobFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    jobs = selectors.job_list_for_user(
        user=_staff(request), kind=filters.get("kind", ""), status=filters.get("status", "")
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
    job = selectors.job_get_for_user(user=_staff(request), pk=pk)
    return render(
        request,
        "certification/job_detail.html",
        {"job": job, "can_issue": selectors.can_issue(_staff(request), job.centre_id)},
    )


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's status as an HTMX fragment; it keeps polling itself while the job is pending."""
    job = selectors.job_get_for_user(user=_staff(request), pk=pk)
    # The retry form sends the person back to the page the fragment sits on, not to the fragment.
    htmx = getattr(request, "htmx", None)
    page = getattr(htmx, "current_url_abs_path", None) if htmx else None
    return render(
        request,
        "certification/_job_status.html",
        {
            "job": job,
            "can_issue": selectors.can_issue(_staff(request), job.centre_id),
            "next": page or reverse("certification:job-detail", args=[job.pk]),
        },
    )


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = selectors.job_get_for_user(user=_staff(request), pk=pk)
    if job.status != JobStatus.READY or not job.file:
        raise Http404
    services.document_download_record(job=job, user=_staff(request), request=request)
    return serve_private_file(job.file, filename=job.filename, content_type=job.content_type or None)


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = selectors.job_get_for_user(user=_staff(request), pk=pk, capability=Capability.ISSUE_CERTIFICATES)
    try:
        services.document_job_retry(job=job, acting_user=_staff(request), request=request)
        messages.success(request, _("The document will be rendered again."))
    except ValidationError as error:
        _error(request, error)
    return _back(request, reverse("certification:job-detail", args=[job.pk]))


# --- Certificates -------------------------------------------------------------------------------
@login_required
@require_POST
def certificate_issue(request: HttpRequest, mobility_id: int) -> HttpResponse:
    mobility = selectors.mobility_get_for_user(
        user=_staff(request), pk=mobility_id, capability=Capability.ISSUE_CERTIFICATES
    )
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the language of the certificate."))
        return _back(request, reverse("certification:job-list"))
    try:
        certificate = services.certificate_issue(
            mobility=mobility, acting_user=_staff(request), languages=form.languages(), request=request
        )
    except ValidationError as error:
        _error(request, error)
        return _back(request, reverse("certification:job-list"))
    messages.success(request, _("Certificate %(number)s is being rendered.") % {"number": certificate.number})
    return _back(request, reverse("certification:certificate-detail", args=[certificate.pk]))


def _certificate_page(request: HttpRequest, certificate, **extra) -> HttpResponse:
    versions = selectors.certificate_list_for_mobility(user=_staff(request), mobility=certificate.mobility)
    can_issue = selectors.can_issue(_staff(request), certificate.centre_id)
    context = {
        "certificate": certificate,
        "versions": versions,
        "can_issue": can_issue,
        "verify_url": reverse("certification:verify", args=[certificate.number]),
        "reissue_form": ReissueForm(
            initial={
                "language": certificate.languages[0],
                "second_language": (certificate.languages[1:] or [""])[0],
            }
        ),
        **extra,
    }
    return render(request, "certification/certificate_detail.html", context, status=400 if extra else 200)


@login_required
@require_GET
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get_for_user(user=_staff(request), pk=pk)
    return _certificate_page(request, certificate)


@login_required
@require_POST
def certificate_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get_for_user(
        user=_staff(request), pk=pk, capability=Capability.ISSUE_CERTIFICATES
    )
    form = ReissueForm(request.POST)
    if not form.is_valid():
        return _certificate_page(request, certificate, reissue_form=form)
    try:
        new = services.certificate_reissue(
            certificate=certificate,
            acting_user=_staff(request),
            reason=form.cleaned_data["reason"],
            languages=form.languages(),
            request=request,
        )
    except ValidationError as error:
        _error(request, error)
        return redirect("certification:certificate-detail", pk=certificate.pk)
    messages.success(
        request,
        _("Version %(version)s is being rendered (number %(number)s).")
        % {"version": new.version, "number": new.number},
    )
    return redirect("certification:certificate-detail", pk=new.pk)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get_for_user(
        user=_staff(request), pk=pk, capability=Capability.ISSUE_CERTIFICATES
    )
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate,
                acting_user=_staff(request),
                reason=form.cleaned_data["reason"],
                request=request,
            )
            messages.success(
                request, _("Certificate %(number)s is revoked.") % {"number": certificate.number}
            )
            return redirect("certification:certificate-detail", pk=certificate.pk)
        except ValidationError as error:
            _error(request, error)
    return render(
        request,
        "certification/certificate_revoke.html",
        {"certificate": certificate, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _issued_certificate(request: HttpRequest, pk: int):
    certificate = selectors.certificate_get_for_user(user=_staff(request), pk=pk)
    if not certificate.file or certificate.status not in (CertificateStatus.READY, CertificateStatus.REVOKED):
        raise Http404
    return certificate


@login_required
@require_GET
def certificate_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    certificate = _issued_certificate(request, pk)
    services.document_download_record(certificate=certificate, user=_staff(request), request=request)
    return serve_private_file(
        certificate.file, filename=f"{certificate.number}.pdf", content_type="application/pdf"
    )


@login_required
@require_GET
def certificate_credential(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate as a European Digital Credential (JSON-LD)."""
    certificate = _issued_certificate(request, pk)
    services.document_download_record(certificate=certificate, user=_staff(request), request=request)
    return credential_response(certificate)


def credential_response(certificate: Certificate) -> HttpResponse:
    """The certificate's credential as a JSON-LD file to save (staff and the learner's own space)."""
    response = HttpResponse(
        json.dumps(certificate.credential, ensure_ascii=False, indent=2),
        content_type="application/ld+json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.jsonld"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
    from .panels import mobility_documents as panel

    mobility = selectors.mobility_get_for_user(user=_staff(request), pk=mobility_id)
    return _panel_page(
        request,
        title=mobility.participant.full_name,
        subtitle=f"{mobility.reference} — {mobility.host_city}",
        panel=panel(request, mobility),
    )


@login_required
@require_GET
def group_documents(request: HttpRequest, group_id: int) -> HttpResponse:
    from .panels import group_documents as panel

    group = selectors.group_get_for_user(user=_staff(request), pk=group_id)
    return _panel_page(request, title=group.name, subtitle=group.host_city, panel=panel(request, group))


@login_required
@require_GET
def project_documents(request: HttpRequest, project_id: int) -> HttpResponse:
    from .panels import project_documents as panel

    project = selectors.project_get_for_user(user=_staff(request), pk=project_id)
    return _panel_page(
        request, title=project.title, subtitle=project.grant_agreement_number, panel=panel(request, project)
    )


# --- Other documents ----------------------------------------------------------------------------
def _job_started(request: HttpRequest, job) -> HttpResponse:
    messages.success(request, _("“%(document)s” is being rendered.") % {"document": job.get_kind_display()})
    return _back(request, reverse("certification:job-detail", args=[job.pk]))


@login_required
@require_POST
def agreement_pdf(request: HttpRequest, agreement_id: int) -> HttpResponse:
    agreement = selectors.agreement_get_for_user(
        user=_staff(request), pk=agreement_id, capability=Capability.ISSUE_CERTIFICATES
    )
    job = services.agreement_pdf_request(agreement=agreement, acting_user=_staff(request), request=request)
    return _job_started(request, job)


@login_required
@require_POST
def attendance_request(request: HttpRequest, mobility_id: int) -> HttpResponse:
    mobility = selectors.mobility_get_for_user(
        user=_staff(request), pk=mobility_id, capability=Capability.ISSUE_CERTIFICATES
    )
    try:
        job = services.attendance_request(mobility=mobility, acting_user=_staff(request), request=request)
    except ValidationError as error:
        _error(request, error)
        return _back(request, reverse("certification:job-list"))
    return _job_started(request, job)


@login_required
@require_POST
def group_issue(request: HttpRequest, group_id: int) -> HttpResponse:
    group = selectors.group_get_for_user(
        user=_staff(request), pk=group_id, capability=Capability.ISSUE_CERTIFICATES
    )
    form = GroupIssueForm(request.POST)
    form.is_valid()
    try:
        issued, background = services.group_certificates_request(
            group=group,
            acting_user=_staff(request),
            bilingual=form.cleaned_data.get("bilingual", False),
            request=request,
        )
    except ValidationError as error:
        _error(request, error)
        return _back(request, reverse("certification:job-list"))
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
    return _back(request, reverse("certification:job-list"))


@login_required
@require_GET
def group_progress(request: HttpRequest, group_id: int) -> HttpResponse:
    """How many of the group's certificates are ready: an HTMX fragment that polls while some render."""
    from .panels import group_progress_context

    group = selectors.group_get_for_user(user=_staff(request), pk=group_id)
    return render(request, "certification/_group_progress.html", group_progress_context(group=group))


@login_required
@require_POST
def group_bundle(request: HttpRequest, group_id: int) -> HttpResponse:
    group = selectors.group_get_for_user(
        user=_staff(request), pk=group_id, capability=Capability.ISSUE_CERTIFICATES
    )
    form = BundleForm(request.POST)
    if not form.is_valid():
        raise Http404
    try:
        job = services.bundle_request(
            kind=form.cleaned_data["kind"], group=group, acting_user=_staff(request), request=request
        )
    except ValidationError as error:
        _error(request, error)
        return _back(request, reverse("certification:job-list"))
    return _job_started(request, job)


@login_required
@require_POST
def project_bundle(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.project_get_for_user(
        user=_staff(request), pk=project_id, capability=Capability.ISSUE_CERTIFICATES
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
            acting_user=_staff(request),
            request=request,
        )
    except ValidationError as error:
        _error(request, error)
        return _back(request, reverse("certification:job-list"))
    return _job_started(request, job)


# --- Public verification ------------------------------------------------------------------------
def _rate_limited(request: HttpRequest, bucket: str, limit: int) -> bool:
    """Counts this address's requests in the current minute; True once it is over ``limit``."""
    ip = client_ip(request) or "unknown"
    key = f"verify:{bucket}:{hashlib.sha256(ip.encode()).hexdigest()[:24]}"
    try:
        if cache.add(key, 1, 60):
            return False
        return cache.incr(key) > limit
    except Exception:  # a cache outage must not take the verification page down
        return False


@require_GET
def verify_lookup(request: HttpRequest) -> HttpResponse:
    # Bound only once a number was sent: "?lang=de" alone must not greet the visitor with an error.
    form = VerifyLookupForm(request.GET if "number" in request.GET else None)
    if form.is_valid():
        return redirect("certification:verify", number=form.cleaned_data["number"])
    return render(request, "certification/verify_lookup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, number: str) -> HttpResponse:
    """What a verifier needs to know, and nothing more: no date of birth, no contact data."""
    if _rate_limited(request, "view", settings.VERIFY_RATE_PER_MINUTE):
        return render(request, "certification/verify_limited.html", status=429)
    normalised = number.strip().upper()
    if normalised != number:
        return redirect("certification:verify", number=normalised)
    try:
        certificate = selectors.certificate_for_verification(number=normalised)
    except Http404:
        return render(
            request,
            "certification/verify_lookup.html",
            {"form": VerifyLookupForm(), "not_found": normalised},
            status=404,
        )
    form = VerifyUploadForm()
    match = None
    status = 200
    if request.method == "POST":
        if _rate_limited(request, "upload", settings.VERIFY_UPLOADS_PER_MINUTE):
            return render(request, "certification/verify_limited.html", status=429)
        form = VerifyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            match = form.cleaned_data["file"].sha256 == certificate.sha256
        else:
            status = 400
    content = certificate.content
    description = content.get("description", {})
    erased = bool(content.get("erased"))
    state = certificate.verification_status
    if erased and state != "revoked":
        state = "issued"  # the holder's data were erased: issued, and nothing more is said
    return render(
        request,
        "certification/verify.html",
        {
            "certificate": certificate,
            "erased": erased,
            "state": state,
            "holder_name": certificate.holder_name,
            "issuer_name": (content.get("issuer") or {}).get("name", ""),
            "start": description.get("start"),
            "end": description.get("end"),
            "host_country": countries.name(description.get("host_country_code") or ""),
            "form": form,
            "match": match,
        },
        status=status,
    )
