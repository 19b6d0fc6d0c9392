"""Staff pages of a certificate: issue, detail, reissue, revoke, download of the PDF and the credential."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certification import selectors
from certification.downloads import credential_response
from certification.forms import (
    IssueForm,
    ReissueForm,
    RevokeForm,
)
from certification.models import CertificateStatus
from certification.services import certificates as services
from certification.services import jobs as services_jobs
from partners.accounts.roles import Capability
from partners.pages import errors_to_messages, redirect_back, staff_user
from partners.uploads import serve_private_file


# --- Certificates -------------------------------------------------------------------------------
@login_required
@require_POST
def certificate_issue(request: HttpRequest, mobility_id: int) -> HttpResponse:
    mobility = selectors.mobility_get_for_user(
        user=staff_user(request), pk=mobility_id, capability=Capability.ISSUE_CERTIFICATES
    )
    form = IssueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the language of the certificate."))
        return redirect_back(request, reverse("certification:job-list"))
    try:
        certificate = services.certificate_issue(
            mobility=mobility, acting_user=staff_user(request), languages=form.languages(), request=request
        )
    except ValidationError as error:
        errors_to_messages(request, error)
        return redirect_back(request, reverse("certification:job-list"))
    messages.success(request, _("Certificate %(number)s is being rendered.") % {"number": certificate.number})
    return redirect_back(request, reverse("certification:certificate-detail", args=[certificate.pk]))


def _certificate_page(request: HttpRequest, certificate, **extra) -> HttpResponse:
    versions = selectors.certificate_list_for_mobility(
        user=staff_user(request), mobility=certificate.mobility
    )
    can_issue = selectors.can_issue(staff_user(request), certificate.centre_id)
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
    certificate = selectors.certificate_get_for_user(user=staff_user(request), pk=pk)
    return _certificate_page(request, certificate)


@login_required
@require_POST
def certificate_reissue(request: HttpRequest, pk: int) -> HttpResponse:
    certificate = selectors.certificate_get_for_user(
        user=staff_user(request), pk=pk, capability=Capability.ISSUE_CERTIFICATES
    )
    form = ReissueForm(request.POST)
    if not form.is_valid():
        return _certificate_page(request, certificate, reissue_form=form)
    try:
        new = services.certificate_reissue(
            certificate=certificate,
            acting_user=staff_user(request),
            reason=form.cleaned_data["reason"],
            languages=form.languages(),
            request=request,
        )
    except ValidationError as error:
        errors_to_messages(request, error)
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
        user=staff_user(request), pk=pk, capability=Capability.ISSUE_CERTIFICATES
    )
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                certificate=certificate,
                acting_user=staff_user(request),
                reason=form.cleaned_data["reason"],
                request=request,
            )
            messages.success(
                request, _("Certificate %(number)s is revoked.") % {"number": certificate.number}
            )
            return redirect("certification:certificate-detail", pk=certificate.pk)
        except ValidationError as error:
            errors_to_messages(request, error)
    return render(
        request,
        "certification/certificate_revoke.html",
        {"certificate": certificate, "form": form},
        status=400 if request.method == "POST" else 200,
    )


def _issued_certificate(request: HttpRequest, pk: int):
    certificate = selectors.certificate_get_for_user(user=staff_user(request), pk=pk)
    if not certificate.file or certificate.status not in (CertificateStatus.READY, CertificateStatus.REVOKED):
        raise Http404
    return certificate


@login_required
@require_GET
def certificate_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    certificate = _issued_certificate(request, pk)
    services_jobs.document_download_record(certificate=certificate, user=staff_user(request), request=request)
    return serve_private_file(
        certificate.file, filename=f"{certificate.number}.pdf", content_type="application/pdf"
    )


@login_required
@require_GET
def certificate_credential(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate as a European Digital Credential (JSON-LD)."""
    certificate = _issued_certificate(request, pk)
    services_jobs.document_download_record(certificate=certificate, user=staff_user(request), request=request)
    return credential_response(certificate)
