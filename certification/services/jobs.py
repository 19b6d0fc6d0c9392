"""Asking for documents: one job row per render, published to the broker once the transaction commits;
the row is the truth, the sweeper publishes again what a broker outage or a dead worker left behind.
"""

from __future__ import annotations

import logging
from datetime import UTC
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import (
    Certificate,
    CertificateStatus,
    DocumentJob,
    JobKind,
    JobStatus,
)
from certification.pdf import context as ctx
from certification.pdf import documents
from certification.selectors import current_certificates, mobility_for_certificate
from mobility.agreements.models import LearningAgreement
from mobility.mobilities.models import Mobility, MobilityGroup
from mobility.projects.models import Project
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record
from partners.broker.services import publish
from partners.directory.models import Organisation

logger = logging.getLogger(__name__)


class CertificationError(ValidationError):
    """Something the rules do not allow; the message says why, in the user's language."""


def utc_iso(value) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- Other documents ----------------------------------------------------------------------------
def _pending_duplicate(**target) -> DocumentJob | None:
    """The same document already waiting (a double click must not render it twice)."""
    return (
        DocumentJob.objects.filter(status__in=[JobStatus.REQUESTED, JobStatus.RENDERING], **target)
        .order_by("-created_at")
        .first()
    )


def _job_create(*, acting_user: User, request: HttpRequest | None, **fields: Any) -> DocumentJob:
    job = DocumentJob(requested_by=acting_user, **fields)
    job.full_clean(exclude=["file"])
    job.save()
    audit_record(
        action="document.request",
        actor=acting_user,
        target=job,
        centre_id=job.centre_id,
        data={"kind": job.kind},
        request=request,
    )
    job_enqueue(job)
    return job


def agreement_pdf_request(
    *, agreement: LearningAgreement, acting_user: User, request: HttpRequest | None = None
) -> DocumentJob:
    """The PDF of one version of a learning agreement, in the agreement's language."""
    centre_id = agreement.mobility.centre_id
    require_capability(acting_user, Capability.ISSUE_CERTIFICATES, centre_id)
    with transaction.atomic():
        duplicate = _pending_duplicate(kind=JobKind.LEARNING_AGREEMENT, agreement=agreement)
        if duplicate:
            return duplicate
        return _job_create(
            acting_user=acting_user,
            request=request,
            centre_id=centre_id,
            kind=JobKind.LEARNING_AGREEMENT,
            agreement=agreement,
            mobility=agreement.mobility,
            language=ctx.document_language(agreement.language),
        )


def attendance_request(
    *, mobility: Mobility, acting_user: User, request: HttpRequest | None = None
) -> DocumentJob:
    """A certificate of attendance, once the mobility has taken place."""
    require_capability(acting_user, Capability.ISSUE_CERTIFICATES, mobility.centre_id)
    if mobility.status not in ctx.ATTENDED_STATUSES:
        raise CertificationError(
            _("An attendance certificate can be issued once the mobility has taken place.")
        )
    with transaction.atomic():
        duplicate = _pending_duplicate(kind=JobKind.ATTENDANCE, mobility=mobility)
        if duplicate:
            return duplicate
        return _job_create(
            acting_user=acting_user,
            request=request,
            centre_id=mobility.centre_id,
            kind=JobKind.ATTENDANCE,
            mobility=mobility,
            language=ctx.document_language(mobility.participant.preferred_language),
        )


def funding_document_request(
    *, mobility: Mobility, kind: str, acting_user: User, request: HttpRequest | None = None
) -> DocumentJob:
    """The participant's grant agreement (once issued) or the apprentice's mobility agreement (once the
    stay meets the law's limits), in the participant's language."""
    from mobility.funding import selectors as funding

    require_capability(acting_user, Capability.ISSUE_CERTIFICATES, mobility.centre_id)
    if kind == JobKind.GRANT_AGREEMENT:
        if not funding.grant_issued(mobility):
            raise CertificationError(_("Issue the grant agreement first: its amounts are then frozen."))
    elif kind == JobKind.APPRENTICE_AGREEMENT:
        problems = funding.apprenticeship_check(mobility).problems
        if problems:
            raise CertificationError([message for _field, message in problems])
    else:
        raise CertificationError(_("Unknown document."))
    with transaction.atomic():
        duplicate = _pending_duplicate(kind=kind, mobility=mobility)
        if duplicate:
            return duplicate
        return _job_create(
            acting_user=acting_user,
            request=request,
            centre_id=mobility.centre_id,
            kind=kind,
            mobility=mobility,
            language=ctx.document_language(mobility.participant.preferred_language),
        )


def bundle_request(
    *,
    kind: str,
    acting_user: User,
    group: MobilityGroup | None = None,
    project: Project | None = None,
    centre: Organisation | None = None,
    request: HttpRequest | None = None,
) -> DocumentJob:
    """Every current certificate of a group (or of a project, for one centre) in one ZIP or one PDF."""
    if kind not in (JobKind.BUNDLE_ZIP, JobKind.BUNDLE_PDF):
        raise CertificationError(_("Unknown bundle format."))
    if group is not None:
        centre_id = group.centre_id
        mobilities = Mobility.objects.filter(group=group, centre_id=centre_id)
        target: dict[str, Any] = {"group": group}
    elif project is not None and centre is not None:
        centre_id = centre.pk
        mobilities = Mobility.objects.filter(project=project, centre_id=centre_id)
        target = {"project": project}
    else:
        raise CertificationError(_("A bundle is made for a group, or for a project and a centre."))
    require_capability(acting_user, Capability.ISSUE_CERTIFICATES, centre_id)
    with transaction.atomic():
        duplicate = _pending_duplicate(kind=kind, centre_id=centre_id, **target)
        if duplicate:
            return duplicate
        items = sorted(
            set(
                current_certificates(mobility_ids=mobilities.values("pk")).values_list(
                    "mobility_id", flat=True
                )
            )
        )
        ordered = list(
            Mobility.objects.filter(pk__in=items)
            .order_by("participant__last_name", "participant__first_name", "pk")
            .values_list("pk", flat=True)
        )
        if not ordered:
            raise CertificationError(_("There is no certificate to put together yet: issue them first."))
        return _job_create(
            acting_user=acting_user,
            request=request,
            centre_id=centre_id,
            kind=kind,
            items=ordered,
            progress_total=len(ordered),
            language=ctx.document_language(acting_user.preferred_language),
            **target,
        )


def document_job_retry(
    *, job: DocumentJob, acting_user: User, request: HttpRequest | None = None
) -> DocumentJob:
    """Starts a failed job again. A failed certificate was never issued: it is rebuilt from today's data."""
    require_capability(acting_user, Capability.ISSUE_CERTIFICATES, job.centre_id)
    with transaction.atomic():
        job = DocumentJob.objects.select_for_update().get(pk=job.pk)
        if job.status != JobStatus.FAILED:
            raise CertificationError(_("Only a failed document can be started again."))
        if job.certificate_id:
            certificate = Certificate.objects.select_for_update().get(pk=job.certificate_id)
            full = mobility_for_certificate(mobility_id=certificate.mobility_id)
            certificate.issued_at = timezone.now()
            certificate.content = ctx.certificate_content(
                mobility=full,
                languages=certificate.languages,
                number=certificate.number,
                version=certificate.version,
                issued_at=certificate.issued_at,
                issued_by=certificate.issued_by,
            )
            certificate.credential = documents.certificate_credential(
                certificate.content, issued_at_iso=utc_iso(certificate.issued_at)
            )
            certificate.status = CertificateStatus.REQUESTED
            certificate.save(update_fields=["issued_at", "content", "credential", "status", "updated_at"])
        job.status = JobStatus.REQUESTED
        job.attempts = 0
        job.progress_done = 0
        job.published_at = None
        job.started_at = None
        job.save(
            update_fields=["status", "attempts", "progress_done", "published_at", "started_at", "updated_at"]
        )
        audit_record(
            action="document.retry",
            actor=acting_user,
            target=job,
            centre_id=job.centre_id,
            data={"kind": job.kind},
            request=request,
        )
        job_enqueue(job)
    return job


def document_download_record(
    *,
    job: DocumentJob | None = None,
    certificate: Certificate | None = None,
    user: User,
    request: HttpRequest | None,
) -> None:
    """Downloads of learner documents are audited (who took which file, when)."""
    target = certificate or job
    assert target is not None
    audit_record(
        action="certificate.download" if certificate else "document.download",
        actor=user,
        target=target,
        centre_id=target.centre_id,
        data={"kind": job.kind} if job else {},
        request=request,
    )


# --- Publishing ---------------------------------------------------------------------------------
# A publish never holds the request longer than BROKER_PUBLISH_DEADLINE (partners.broker.services);
# what could not be published stays ``requested`` and the sweeper publishes it.
def _publish(job_id: int) -> bool:
    from certification.tasks.renders import render_document

    return publish_row(render_document, DocumentJob, job_id)


def publish_row(task: Any, model: Any, pk: int) -> bool:
    """Hands a job row's id to the broker; False when the broker is out of reach (the sweeper will)."""
    return publish(
        task,
        (pk,),
        what=f"{model.__name__} {pk}",
        on_published=lambda: model.objects.filter(pk=pk).update(published_at=timezone.now()),
    )


def job_enqueue(job: DocumentJob) -> None:
    transaction.on_commit(lambda: _publish(job.pk))
