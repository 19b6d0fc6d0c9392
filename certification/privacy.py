"""What certification keeps about a learner, for the learner's archive and the erasure
(registered with ``mobility.privacy.holders`` in ``CertificationConfig.ready``).

Erased: every rendered file about the learner's mobilities (their own documents and the group and
project bundles listing them), certificates not issued yet, and the content of issued ones. Kept:
an issued certificate's number, version, status, issuer, date and fingerprint, so that it stays
verifiable as "issued" and the holder's PDF still matches.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from certification.models import BUNDLE_KINDS, PENDING_STATUSES, Certificate, CertificateStatus, DocumentJob
from mobility.mobilities.models import Mobility
from mobility.privacy.holders import Attach, Drop, Holder


def certificates_busy(mobility_ids: list[int]) -> str | None:
    """A certificate being rendered now would be written after the erasure: wait for it."""
    if Certificate.objects.filter(mobility_id__in=mobility_ids, status=CertificateStatus.RENDERING).exists():
        return _("A certificate of this learner is being rendered: try again in a minute.")
    return None


def certificates_erase(mobility_ids: list[int], drop: Drop) -> int:
    """Issued certificates keep their number, status, issuer, date and fingerprint; the rest goes."""
    kept = 0
    for certificate in Certificate.objects.filter(mobility_id__in=mobility_ids):
        drop(certificate.file)
        if certificate.status in PENDING_STATUSES:
            certificate.delete()
            continue
        issuer = (certificate.content.get("issuer") or {}).get("name", "")
        certificate.content = {"erased": True, "issuer": {"name": issuer}}
        certificate.credential = {}
        certificate.file = ""
        certificate.save(update_fields=["content", "credential", "file", "updated_at"])
        kept += 1
    for job in _jobs_holding(mobility_ids):
        drop(job.file)
        job.file = ""
        job.save(update_fields=["file", "updated_at"])
    return kept


def _jobs_holding(mobility_ids: list[int]) -> list[DocumentJob]:
    """Rendered files that contain one of these mobilities (its own documents and the bundles)."""
    if not mobility_ids:
        return []
    own = DocumentJob.objects.filter(
        Q(mobility_id__in=mobility_ids)
        | Q(agreement__mobility_id__in=mobility_ids)
        | Q(certificate__mobility_id__in=mobility_ids)
    ).exclude(file="")
    # Bundles list their mobilities in a JSON array: read in Python (works on every database).
    wanted = set(mobility_ids)
    centres = Mobility.objects.filter(pk__in=mobility_ids).values("centre_id")
    bundles = [
        job
        for job in DocumentJob.objects.filter(kind__in=BUNDLE_KINDS, centre_id__in=centres).exclude(file="")
        if wanted & set(job.items or [])
    ]
    return [*own, *bundles]


def certificates_export(mobility: Any, attach: Attach) -> list[dict[str, Any]]:
    """The certificates issued for a mobility, with their files, as the learner's archive lists them."""
    return [
        {
            "number": certificate.number,
            "version": certificate.version,
            "status": certificate.status,
            "issued_at": certificate.issued_at,
            "sha256": certificate.sha256,
            "file": attach("certificates", certificate.file, f"{certificate.number}.pdf"),
        }
        for certificate in mobility.certificates.all()
        if certificate.status not in PENDING_STATUSES
    ]


CERTIFICATES = Holder(
    name="certificates",
    busy=certificates_busy,
    erase=certificates_erase,
    export=certificates_export,
    prefetch=("certificates",),
)
