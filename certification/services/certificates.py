"""Certificates: issued (a number, a version, a job that renders it), reissued as a new version that
supersedes the old one, revoked; each audited.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import (
    PENDING_STATUSES,
    Certificate,
    CertificateStatus,
    DocumentJob,
    JobKind,
)
from certification.pdf import context as ctx
from certification.pdf import documents
from certification.selectors import mobility_for_certificate
from certification.services.jobs import CertificationError, job_enqueue, utc_iso
from mobility.evaluations.models import EvaluationKind, EvaluationStatus
from mobility.mobilities.models import Mobility, MobilityStatus
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.models import AuditEntry
from partners.audit.services import audit_entry, audit_record

# --- Numbers ------------------------------------------------------------------------------------
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U


def certificate_number_new() -> str:
    """``EM-<year>-XXXX-XXXX-XXXX-XXXX``: 80 random bits, so numbers cannot be guessed or enumerated."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(16))
    groups = "-".join(body[i : i + 4] for i in range(0, 16, 4))
    return f"EM-{timezone.localdate().year}-{groups}"


# --- Issuing rules ------------------------------------------------------------------------------
ISSUABLE_STATUSES = (MobilityStatus.EVALUATED, MobilityStatus.CERTIFIED)


def certificate_blockers(*, mobility: Mobility) -> list[str]:
    """Why a certificate cannot be issued for this mobility yet (empty when it can)."""
    blockers = []
    if mobility.status not in ISSUABLE_STATUSES:
        blockers.append(
            _("The mobility must be evaluated first (it is “%(status)s”).")
            % {"status": MobilityStatus(mobility.status).label}
        )
    validated = any(
        e.kind == EvaluationKind.TUTOR and e.status == EvaluationStatus.VALIDATED
        for e in mobility.evaluations.all()
    )
    if not validated:
        blockers.append(_("The host tutor's evaluation must be validated first."))
    return blockers


def _new_certificate(
    *,
    full: Mobility,
    languages: list[str],
    acting_user: User | None,
    version: int,
    issued_at: Any,
    reason: str = "",
) -> Certificate:
    """A certificate of ``full`` (the mobility with what its certificate prints), not saved yet: a
    number drawn, its content frozen and its credential signed."""
    number = certificate_number_new()
    content = ctx.certificate_content(
        mobility=full,
        languages=languages,
        number=number,
        version=version,
        issued_at=issued_at,
        issued_by=acting_user,
    )
    return Certificate(
        centre_id=full.centre_id,
        mobility=full,
        number=number,
        version=version,
        languages=languages,
        status=CertificateStatus.REQUESTED,
        content=content,
        credential=documents.certificate_credential(content, issued_at_iso=utc_iso(issued_at)),
        issued_at=issued_at,
        issued_by=acting_user if acting_user and acting_user.is_authenticated else None,
        reissue_reason=reason,
    )


def _render_job(certificate: Certificate) -> DocumentJob:
    return DocumentJob(
        centre_id=certificate.centre_id,
        kind=JobKind.CERTIFICATE,
        certificate=certificate,
        mobility_id=certificate.mobility_id,
        language=certificate.languages[0],
        requested_by=certificate.issued_by,
    )


def _issue_entry(
    certificate: Certificate,
    *,
    acting_user: User | None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> AuditEntry:
    return audit_entry(
        action="certificate.reissue" if reason else "certificate.issue",
        actor=acting_user,
        target=certificate,
        centre_id=certificate.centre_id,
        data={
            "version": certificate.version,
            "mobility": certificate.mobility_id,
            "languages": certificate.languages,
        },
        request=request,
    )


def _fresh_read(mobility: Mobility, read: Mobility | None) -> Mobility:
    """``read`` (the mobility with what its certificate prints, read with its batch) while the row
    locked for the issue is still the one it was read from; else read again."""
    if read is not None and read.pk == mobility.pk and read.updated_at == mobility.updated_at:
        return read
    return mobility_for_certificate(mobility_id=mobility.pk)


def _create_certificate(
    *,
    mobility: Mobility,
    languages: list[str],
    acting_user: User | None,
    reason: str = "",
    request: HttpRequest | None = None,
    read: Mobility | None = None,
) -> Certificate:
    full = _fresh_read(mobility, read)
    blockers = certificate_blockers(mobility=full)
    if blockers:
        raise CertificationError(blockers[0])
    version = (Certificate.objects.filter(mobility=full).aggregate(v=Max("version"))["v"] or 0) + 1
    issued_at = timezone.now()
    for _attempt in range(3):
        certificate = _new_certificate(
            full=full,
            languages=languages,
            acting_user=acting_user,
            version=version,
            issued_at=issued_at,
            reason=reason,
        )
        try:
            with transaction.atomic():
                certificate.save()
            break
        except IntegrityError:
            if Certificate.objects.filter(number=certificate.number).exists():
                continue  # a number drawn twice: draw again
            raise
    else:  # pragma: no cover - 80 random bits do not collide three times
        raise CertificationError(_("Could not draw a certificate number; try again."))
    job = _render_job(certificate)
    job.save()
    _issue_entry(certificate, acting_user=acting_user, reason=reason, request=request).save()
    job_enqueue(job)
    return certificate


def certificates_issue_together(
    *, mobility_ids: list[int], acting_user: User, bilingual: bool = False, reads: dict[int, Mobility]
) -> tuple[list[Certificate], dict[int, str]]:
    """Issues the certificates of several mobilities at once (a large group's, a batch at a time): one
    transaction, the certificates, their jobs and audit entries each written in one statement, the
    jobs published when it commits. ``reads``: the mobilities with what their certificates print.

    Returns the certificates issued and, for each mobility left out, why (for the worker's log): a
    certificate pending or valid already, or one that cannot be issued yet. A number drawn twice (80 random bits) raises
    ``IntegrityError`` with nothing written: issue those one by one (``certificate_issue``)."""
    with transaction.atomic():
        locked = {
            m.pk: m
            for m in Mobility.objects.select_for_update(of=("self",))
            .select_related("participant", "host_tutor")
            .filter(pk__in=mobility_ids)
        }
        for centre_id in {m.centre_id for m in locked.values()}:
            require_capability(acting_user, Capability.ISSUE_CERTIFICATES, centre_id)
        current: dict[int, set[str]] = {}
        for mobility_id, status in (
            Certificate.objects.filter(mobility_id__in=locked, superseded_at__isnull=True)
            .exclude(status=CertificateStatus.REVOKED)
            .values_list("mobility_id", "status")
        ):
            current.setdefault(mobility_id, set()).add(status)
        versions = dict(
            Certificate.objects.filter(mobility_id__in=locked)
            .order_by()
            .values("mobility_id")
            .annotate(v=Max("version"))
            .values_list("mobility_id", "v")
        )
        issued_at = timezone.now()
        certificates: list[Certificate] = []
        left_out: dict[int, str] = {}
        for mobility_id in mobility_ids:
            mobility = locked.get(mobility_id)
            if mobility is None:
                continue
            statuses = current.get(mobility_id, set())
            if statuses & set(PENDING_STATUSES):
                left_out[mobility_id] = "a certificate is being issued already"
                continue
            if CertificateStatus.READY in statuses:
                left_out[mobility_id] = "it has a valid certificate already"
                continue
            full = _fresh_read(mobility, reads.get(mobility_id))
            blockers = certificate_blockers(mobility=full)
            if blockers:
                left_out[mobility_id] = blockers[0]
                continue
            certificates.append(
                _new_certificate(
                    full=full,
                    languages=_languages_for(mobility, None, bilingual),
                    acting_user=acting_user,
                    version=versions.get(mobility_id, 0) + 1,
                    issued_at=issued_at,
                )
            )
        Certificate.objects.bulk_create(certificates)
        jobs = DocumentJob.objects.bulk_create([_render_job(c) for c in certificates])
        AuditEntry.objects.bulk_create([_issue_entry(c, acting_user=acting_user) for c in certificates])
        for job in jobs:
            job_enqueue(job)
    return certificates, left_out


def _languages_for(mobility: Mobility, languages: list[str] | None, bilingual: bool) -> list[str]:
    if languages:
        return ctx.certificate_languages(
            learner_language=languages[0], second=languages[1] if len(languages) > 1 else None
        )
    return ctx.certificate_languages(
        learner_language=mobility.participant.preferred_language,
        second=ctx.host_language(mobility) if bilingual else None,
    )


def certificate_issue(
    *,
    mobility: Mobility,
    acting_user: User,
    languages: list[str] | None = None,
    bilingual: bool = False,
    request: HttpRequest | None = None,
    read: Mobility | None = None,
) -> Certificate:
    """Issues the certificate of an evaluated mobility; a second request while it renders returns
    the same certificate (a double click issues one). ``read``: the mobility with what its certificate
    prints, when the caller read it with others (``mobilities_for_certificates``)."""
    require_capability(acting_user, Capability.ISSUE_CERTIFICATES, mobility.centre_id)
    with transaction.atomic():
        locked = (
            Mobility.objects.select_for_update(of=("self",))
            .select_related("participant", "host_tutor")
            .get(pk=mobility.pk)
        )
        current = Certificate.objects.filter(mobility=locked, superseded_at__isnull=True).exclude(
            status=CertificateStatus.REVOKED
        )
        pending = current.filter(status__in=PENDING_STATUSES).first()
        if pending is not None:
            return pending
        if current.filter(status=CertificateStatus.READY).exists():
            raise CertificationError(
                _("This mobility already has a valid certificate: reissue it to correct it.")
            )
        return _create_certificate(
            mobility=locked,
            languages=_languages_for(locked, languages, bilingual),
            acting_user=acting_user,
            request=request,
            read=read,
        )


def certificate_reissue(
    *,
    certificate: Certificate,
    acting_user: User,
    reason: str,
    languages: list[str] | None = None,
    request: HttpRequest | None = None,
) -> Certificate:
    """Issues a new version after a correction; the old one is superseded once the new one is ready."""
    require_capability(acting_user, Capability.ISSUE_CERTIFICATES, certificate.centre_id)
    reason = (reason or "").strip()
    if not reason:
        raise CertificationError({"reason": _("Say what was corrected.")})
    with transaction.atomic():
        mobility = Mobility.objects.select_for_update(of=("self",)).get(pk=certificate.mobility_id)
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not certificate.is_valid:
            raise CertificationError(_("Only the valid certificate of a mobility can be reissued."))
        pending = (
            Certificate.objects.filter(mobility=mobility, status__in=PENDING_STATUSES)
            .exclude(pk=certificate.pk)
            .first()
        )
        if pending is not None:
            return pending
        return _create_certificate(
            mobility=mobility,
            languages=_languages_for(mobility, languages or certificate.languages, False),
            acting_user=acting_user,
            reason=reason,
            request=request,
        )


def certificate_revoke(
    *, certificate: Certificate, acting_user: User, reason: str, request: HttpRequest | None = None
) -> Certificate:
    """Revokes an issued certificate: its verification page says so from now on, with who and when."""
    require_capability(acting_user, Capability.ISSUE_CERTIFICATES, certificate.centre_id)
    reason = (reason or "").strip()
    if not reason:
        raise CertificationError({"reason": _("Give the reason for the revocation.")})
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if certificate.status == CertificateStatus.REVOKED:
            raise CertificationError(_("This certificate is already revoked."))
        if certificate.status != CertificateStatus.READY:
            raise CertificationError(_("Only an issued certificate can be revoked."))
        certificate.status = CertificateStatus.REVOKED
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = acting_user
        certificate.revoked_reason = reason
        certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revoked_reason", "updated_at"])
        audit_record(
            action="certificate.revoke",
            actor=acting_user,
            target=certificate,
            centre_id=certificate.centre_id,
            data={"status": ["ready", "revoked"], "changes": {"revoked_reason": None}},
            request=request,
        )
    return certificate
