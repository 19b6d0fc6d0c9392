"""The public verification of a certificate: by number (QR code) and by upload of the PDF, rate-limited."""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django_countries import countries

from certification import selectors
from certification.forms import (
    VerifyLookupForm,
    VerifyUploadForm,
)
from certification.services import verification as services_verification
from partners.http import client_ip


# --- Public verification ------------------------------------------------------------------------
def _rate_limited(request: HttpRequest, bucket: str, limit: int) -> bool:
    """Counts this address's requests in the current clock minute; True once it is over ``limit``.

    One counter per minute, named by the minute: retrying never pushes the block further (a cache
    whose ``incr`` rewrites the entry would otherwise renew its expiry at every attempt), and the
    block ends at the latest with the minute the page announces."""
    ip = client_ip(request) or "unknown"
    minute = int(time.time() // 60)
    key = f"verify:{bucket}:{hashlib.sha256(ip.encode()).hexdigest()[:24]}:{minute}"
    try:
        if cache.add(key, 1, 120):
            return False
        return cache.incr(key) > limit
    except Exception:  # a cache outage must not take the verification page down
        return False


def _limited(request: HttpRequest) -> HttpResponse:
    response = render(request, "certification/verify_limited.html", status=429)
    response["Retry-After"] = str(60 - int(time.time()) % 60)  # the end of this minute
    return response


@require_GET
def verify_status(request: HttpRequest, number: str) -> JsonResponse:
    """The credential's status, for machines: the ``credentialStatus`` every credential points to."""
    if _rate_limited(request, "view", settings.VERIFY_RATE_PER_MINUTE):
        return JsonResponse({"error": "too many requests"}, status=429)
    certificate = selectors.certificate_for_verification(number=number.strip().upper())
    return JsonResponse(services_verification.status_document(certificate))


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
        return _limited(request)
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
    pdf_seal = None
    status = 200
    if request.method == "POST":
        if _rate_limited(request, "upload", settings.VERIFY_UPLOADS_PER_MINUTE):
            return _limited(request)
        form = VerifyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            match = services_verification.uploaded_matches(certificate, form.cleaned_data["file"])
            pdf_seal = services_verification.uploaded_pdf_seal(form.cleaned_data["file"])
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
            "pdf_seal": pdf_seal,
        },
        status=status,
    )
