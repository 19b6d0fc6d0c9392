"""The learner's own certificate, downloaded from their space (a guest link or a learner account).

The mobility is reached through ``guest_mobility_get``, as on every guest page: another mobility, or
a tutor's or an employer's link, answers 404.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_GET

from certification import selectors
from certification.downloads import credential_response
from certification.models import Certificate
from mobility.guests.models import GuestRole
from mobility.guests.services.sessions import Grant, guest_mobility_get, guest_required
from partners.audit.services import audit_record
from partners.uploads import serve_private_file


def _learners_certificate(request: HttpRequest, pk: int) -> tuple[Certificate, Grant]:
    mobility, grant = guest_mobility_get(guest=request.guest, pk=pk, roles=(GuestRole.LEARNER,))  # type: ignore[attr-defined]
    certificate = selectors.certificate_for_learner(mobility_id=mobility.pk)
    if certificate is None:
        raise Http404
    audit_record(
        action="certificate.download",
        actor_label=grant.label,
        target=certificate,
        centre_id=certificate.centre_id,
        request=request,
    )
    return certificate, grant


@guest_required
@require_GET
def certificate_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    certificate, _grant = _learners_certificate(request, pk)
    return serve_private_file(
        certificate.file, filename=f"{certificate.number}.pdf", content_type="application/pdf"
    )


@guest_required
@require_GET
def certificate_credential(request: HttpRequest, pk: int) -> HttpResponse:
    """The same certificate as a European Digital Credential (JSON-LD), for a wallet."""
    certificate, _grant = _learners_certificate(request, pk)
    return credential_response(certificate)
