"""How an issued credential leaves the platform: a JSON-LD attachment, for staff and for the learner."""

from __future__ import annotations

import json

from django.http import HttpResponse

from certification.models import Certificate


def credential_response(certificate: Certificate) -> HttpResponse:
    """The certificate's credential as a JSON-LD file to save (staff and the learner's own space)."""
    # The sealed credential (JAdES, as the EU's wallet takes it) once issued; the plain JSON-LD before.
    body = certificate.sealed_credential or json.dumps(certificate.credential, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/ld+json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.jsonld"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
