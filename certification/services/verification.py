"""What the public verification says about an uploaded file, and the status document it publishes."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from certification.models import Certificate
from partners.uploads import CheckedUpload

logger = logging.getLogger(__name__)


def _sealed_with(certificate: Certificate) -> bytes | None:
    """The DER of the certificate that sealed this credential at issue (from its stored seal)."""
    from certification.seal import SealInvalid, open_sealed

    if not certificate.sealed_credential:
        return None
    try:
        _credential, cert = open_sealed(certificate.sealed_credential)
    except SealInvalid:
        return None
    from cryptography.hazmat.primitives import serialization

    return cert.public_bytes(serialization.Encoding.DER)


def _credential_matches(certificate: Certificate, raw: bytes) -> bool:
    from cryptography.hazmat.primitives import serialization

    from certification.seal import SealInvalid, open_sealed

    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return False
    if isinstance(document, dict) and "payload" in document and "signatures" in document:
        try:
            credential, cert = open_sealed(raw.decode("utf-8-sig"))
        except SealInvalid:
            return False  # altered after sealing, or not sealed by anyone
        ours = _sealed_with(certificate)
        if ours is None or cert.public_bytes(serialization.Encoding.DER) != ours:
            return False
        return credential == certificate.credential
    return document == certificate.credential


def uploaded_matches(certificate: Certificate, uploaded: CheckedUpload | bytes) -> bool:
    """True when the upload is the document we issued under this number: the PDF byte for byte, or
    the credential (sealed with our seal and unaltered, or its plain JSON-LD equal to ours)."""
    try:
        if isinstance(uploaded, bytes):
            return _credential_matches(certificate, uploaded)
        return uploaded.sha256 == certificate.sha256
    except Exception:  # a file built to break the check is "not the issued document", never a 500
        logger.info("verification upload could not be read", exc_info=True)
        return False


def uploaded_pdf_seal(uploaded: CheckedUpload | bytes) -> Any:
    """The electronic seal found on an uploaded PDF (``PdfSeal``), checked against the centre's
    seal; None for a credential upload or a file whose seal cannot be read at all."""
    from certification.pdf.signing import check_pdf
    from certification.seal import load_seal

    if isinstance(uploaded, bytes):
        return None
    try:
        uploaded.file.seek(0)
        return check_pdf(uploaded.file.read(), seal=load_seal())
    except Exception:  # a file built to break the check says nothing about a seal, never a 500
        logger.info("the seal of an uploaded PDF could not be checked", exc_info=True)
        return None


def status_document(certificate: Certificate) -> dict[str, Any]:
    from django.conf import settings
    from django.urls import reverse

    url = settings.SITE_URL + reverse("certification:verify", kwargs={"number": certificate.number})
    state = certificate.verification_status
    data: dict[str, Any] = {
        "id": f"{url}status/",
        "type": "CredentialStatusList2017",
        "credential": f"urn:epass:certificate:{certificate.number}",
        "status": state,
        "verification": url,
    }
    if certificate.revoked_at:
        data["revoked"] = certificate.revoked_at.isoformat()
    if certificate.superseded_at:
        data["superseded"] = certificate.superseded_at.isoformat()
    if certificate.sha256:
        data["pdfSha256"] = certificate.sha256
    if certificate.sealed_credential:
        data["sealedCredentialSha256"] = hashlib.sha256(certificate.sealed_credential.encode()).hexdigest()
    return data
