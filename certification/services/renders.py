"""Rendering a document job (worker side): under a database lock, the PDF written with its SHA-256, the
job and its certificate marked ready; failures recorded, retried, then failed with their reason.
"""

from __future__ import annotations

import io
import logging
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone, translation
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
from certification.seal import SealError
from certification.selectors import current_certificates, mobility_for_certificate
from mobility.agreements.models import LearningAgreement
from mobility.mobilities.models import Mobility, MobilityStatus
from partners.audit.services import audit_record

logger = logging.getLogger(__name__)


class RenderRetry(Exception):
    """A render failed but has attempts left: the task tries again later."""


class RenderAbandoned(Exception):
    """Every attempt so far ended with the rendering process gone (killed, out of memory, over the
    time limit): trying again would only take a worker down again."""


# --- Rendering (workers) ------------------------------------------------------------------------
_LOCK_NAMESPACE = 0x43455254 << 32  # "CERT"


@contextmanager
def render_lock(job_id: int, namespace: int = _LOCK_NAMESPACE) -> Iterator[bool]:
    """Whether this process may render the job now: a PostgreSQL session lock, released by the
    database itself when the holder's connection dies (a killed worker frees its jobs at once).

    Other databases (the embedded single-worker mode) have no such lock; the final write is still
    guarded by the job row's status.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    key = namespace + job_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = bool(cursor.fetchone()[0])
    try:
        yield acquired
    finally:
        if acquired:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
            except Exception:
                connection.close()  # closing the session releases the lock too


def document_job_run(*, job_id: int) -> DocumentJob | None:
    """Renders a job once, whatever the number of deliveries. Returns None when another worker
    is rendering it right now."""
    with render_lock(job_id) as acquired:
        if not acquired:
            logger.info("document job %s is being rendered elsewhere", job_id)
            return None
        return _run_locked(job_id)


def _run_locked(job_id: int) -> DocumentJob | None:
    with transaction.atomic():
        # the certificate's frozen content and credential read with the job (what the render prints)
        job = (
            DocumentJob.objects.select_for_update(of=("self",))
            .select_related("certificate")
            .filter(pk=job_id)
            .first()
        )
        if job is None or job.status in (JobStatus.READY, JobStatus.FAILED):
            return job
        if job.attempts >= settings.DOCUMENT_JOB_MAX_ATTEMPTS:
            # A failure that raises is recorded, and the last allowed one is final; a job still
            # waiting after its last attempt was left behind by a process that died while rendering.
            abandoned = RenderAbandoned(
                f"the rendering process stopped {job.attempts} times before finishing "
                "(killed, out of memory or over the time limit)"
            )
            _record_failure(job, abandoned, permanent=True)
            logger.error("document job %s abandoned after %s attempts", job.pk, job.attempts)
            return job
        job.status = JobStatus.RENDERING
        job.attempts += 1
        job.started_at = timezone.now()
        job.save(update_fields=["status", "attempts", "started_at", "updated_at"])
        if job.certificate_id:
            Certificate.objects.filter(pk=job.certificate_id).exclude(status=CertificateStatus.READY).update(
                status=CertificateStatus.RENDERING, updated_at=timezone.now()
            )
    try:
        rendered = _render(job)
    except Exception as exc:
        # a seal that cannot seal does not heal by retrying: said on the job at once
        permanent = isinstance(exc, SealError) or job.attempts >= settings.DOCUMENT_JOB_MAX_ATTEMPTS
        _record_failure(job, exc, permanent=permanent)
        if permanent:
            logger.exception("document job %s failed for good", job.pk)
            return job
        raise RenderRetry(f"job {job.pk}: {exc}") from exc
    return _store(job, rendered)


def _record_failure(job: DocumentJob, exc: Exception, *, permanent: bool) -> None:
    status = JobStatus.FAILED if permanent else JobStatus.REQUESTED
    error = f"{type(exc).__name__}: {exc}"[:2000]
    now = timezone.now()
    DocumentJob.objects.filter(pk=job.pk).update(status=status, error=error, published_at=now, updated_at=now)
    if job.certificate_id:
        Certificate.objects.filter(pk=job.certificate_id).exclude(status=CertificateStatus.READY).update(
            status=CertificateStatus.FAILED if permanent else CertificateStatus.REQUESTED, updated_at=now
        )
    job.status, job.error = status, error


def _render(job: DocumentJob) -> documents.RenderedDocument:
    if job.kind == JobKind.CERTIFICATE:
        certificate = job.certificate if job.certificate_id else Certificate.objects.get(pk=0)
        return documents.render_certificate(certificate.content, certificate.credential)
    if job.kind == JobKind.LEARNING_AGREEMENT:
        agreement = (
            LearningAgreement.objects.select_related("mobility")
            .prefetch_related("outcomes__unit", "units", "signatures")
            .get(pk=job.agreement_id or 0)
        )
        mobility = mobility_for_certificate(mobility_id=agreement.mobility_id)
        agreement.mobility = mobility
        with translation.override(job.language):
            context = ctx.learning_agreement_context(agreement=agreement, language=job.language)
        name = f"learning-agreement-{_slug(mobility.reference)}-v{agreement.version}.pdf"
        return documents.render_learning_agreement(context, filename=name)
    if job.kind == JobKind.ATTENDANCE:
        mobility = mobility_for_certificate(mobility_id=job.mobility_id or 0)
        with translation.override(job.language):
            context = ctx.attendance_context(
                mobility=mobility, language=job.language, signer=job.requested_by
            )
        name = f"attendance-{_slug(mobility.participant.last_name)}-{_slug(mobility.reference)}.pdf"
        return documents.render_attendance(context, filename=name)
    if job.kind in (JobKind.GRANT_AGREEMENT, JobKind.APPRENTICE_AGREEMENT):
        from certification.pdf import funding

        mobility = mobility_for_certificate(mobility_id=job.mobility_id or 0)
        slug = f"{_slug(mobility.participant.last_name)}-{_slug(mobility.reference)}.pdf"
        with translation.override(job.language):
            if job.kind == JobKind.GRANT_AGREEMENT:
                context = funding.grant_agreement_context(mobility=mobility, language=job.language)
                return funding.render_grant_agreement(context, filename=f"grant-agreement-{slug}")
            context = funding.apprentice_agreement_context(mobility=mobility, language=job.language)
            return funding.render_apprentice_agreement(context, filename=f"apprentice-agreement-{slug}")
    return _render_bundle(job)


def _store(job: DocumentJob, rendered: documents.RenderedDocument) -> DocumentJob:
    now = timezone.now()
    with transaction.atomic():
        job = DocumentJob.objects.select_for_update().get(pk=job.pk)
        if job.status == JobStatus.READY:  # finished by another delivery meanwhile
            return job
        certificate = None
        if job.certificate_id:
            # the row is locked and marked ready: its content (rendered already) is not read again
            certificate = (
                Certificate.objects.select_for_update()
                .defer("content", "credential")
                .get(pk=job.certificate_id)
            )
            name = f"certificates/{job.centre_id}/{certificate.number}.pdf"
        else:
            name = f"documents/{job.centre_id}/{job.pk}/{rendered.filename}"
        _write(name, rendered.content)
        job.file.name = name
        job.filename = rendered.filename
        job.content_type = rendered.content_type
        job.size = len(rendered.content)
        job.sha256 = rendered.sha256
        job.status = JobStatus.READY
        job.error = ""
        job.finished_at = now
        job.progress_done = job.progress_total
        job.save(
            update_fields=[
                "file",
                "filename",
                "content_type",
                "size",
                "sha256",
                "status",
                "error",
                "finished_at",
                "progress_done",
                "updated_at",
            ]
        )
        if certificate is not None:
            certificate.sealed_credential = rendered.sealed_credential
            certificate.seal_subject = rendered.seal_subject
            certificate.sealed_with_demo = rendered.sealed_with_demo
            _certificate_ready(certificate, name=name, sha256=rendered.sha256)
        audit_record(
            action="document.ready",
            actor_label="platform",
            target=job,
            centre_id=job.centre_id,
            data={"kind": job.kind, "attempts": job.attempts},
        )
    return job


def _write(name: str, content: bytes) -> None:
    """Writes the file under exactly ``name``, replacing a previous attempt's (never a second copy)."""
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    if saved != name:  # pragma: no cover - another writer raced us between delete and save
        default_storage.delete(saved)
        raise RuntimeError(f"could not write {name}")


def _certificate_ready(certificate: Certificate, *, name: str, sha256: str) -> None:
    now = timezone.now()
    previous = list(
        Certificate.objects.select_for_update()
        .filter(
            mobility_id=certificate.mobility_id, status=CertificateStatus.READY, superseded_at__isnull=True
        )
        .exclude(pk=certificate.pk)
    )
    for old in previous:
        old.superseded_by = certificate
        old.superseded_at = now
        old.save(update_fields=["superseded_by", "superseded_at", "updated_at"])
        audit_record(
            action="certificate.supersede",
            actor_label="platform",
            target=old,
            centre_id=old.centre_id,
            data={"superseded_by": certificate.pk},
        )
    certificate.status = CertificateStatus.READY
    certificate.file.name = name
    certificate.sha256 = sha256
    certificate.save(
        update_fields=[
            "status",
            "file",
            "sha256",
            "sealed_credential",
            "seal_subject",
            "sealed_with_demo",
            "updated_at",
        ]
    )
    mobility = Mobility.objects.get(pk=certificate.mobility_id)
    if mobility.status == MobilityStatus.EVALUATED:
        from mobility.mobilities.services import mobility_transition

        mobility_transition(
            mobility=mobility,
            to_status=MobilityStatus.CERTIFIED,
            acting_user=certificate.issued_by,
            reason=_("Certificate %(number)s issued.") % {"number": certificate.number},
            system=True,
        )


# --- Bundles ------------------------------------------------------------------------------------
def _slug(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", folded).strip("-") or "x"


def bundle_entry_name(certificate: Certificate) -> str:
    """A file name inside a bundle: readable, ASCII, unique (the number is)."""
    holder = certificate.content.get("holder", {})
    return f"{_slug(holder.get('last_name', '')).upper()}_{_slug(holder.get('first_name', ''))}_{certificate.number}.pdf"


def _bundle_certificate(mobility_id: int) -> Certificate | None:
    """The certificate standing for a mobility in a bundle, rendered if it is not yet."""
    certificate = (
        current_certificates(mobility_ids=[mobility_id]).select_related("job").order_by("-version").first()
    )
    if certificate is None or certificate.status == CertificateStatus.READY:
        return certificate
    deadline = time.monotonic() + settings.DOCUMENT_JOB_BUNDLE_WAIT
    while True:
        job = document_job_run(job_id=certificate.job.pk)
        certificate.refresh_from_db()
        if certificate.status == CertificateStatus.READY:
            return certificate
        if certificate.status == CertificateStatus.FAILED or (
            job is not None and job.status == JobStatus.FAILED
        ):
            raise RuntimeError(f"certificate {certificate.number} could not be rendered")
        if time.monotonic() > deadline:
            raise RuntimeError(f"certificate {certificate.number} is still being rendered")
        time.sleep(0.5)  # another worker is rendering it: wait for it


def _render_bundle(job: DocumentJob) -> documents.RenderedDocument:
    entries: list[tuple[str, Certificate]] = []
    seen: set[str] = set()
    for index, mobility_id in enumerate(job.items, start=1):
        certificate = _bundle_certificate(mobility_id)
        if certificate is not None:
            name = bundle_entry_name(certificate)
            if name not in seen:
                seen.add(name)
                entries.append((name, certificate))
        DocumentJob.objects.filter(pk=job.pk).update(progress_done=index, updated_at=timezone.now())
    if not entries:
        raise RuntimeError("no certificate left to bundle")
    if job.group is not None:
        label = job.group.name
    elif job.project is not None:
        label = job.project.grant_agreement_number or job.project.title
    else:  # pragma: no cover - the job_has_target constraint forbids it
        label = "bundle"
    stem = f"certificates-{_slug(label).lower()}"
    if job.kind == JobKind.BUNDLE_ZIP:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name, certificate in entries:
                with certificate.file.open("rb") as handle:
                    archive.writestr(name, handle.read())
        return documents.RenderedDocument(buffer.getvalue(), f"{stem}.zip", "application/zip")
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for _name, certificate in entries:
        with certificate.file.open("rb") as handle:
            writer.append(PdfReader(io.BytesIO(handle.read())), outline_item=certificate.holder_name)
    writer.add_metadata({"/Title": label})
    buffer = io.BytesIO()
    writer.write(buffer)
    return documents.RenderedDocument(buffer.getvalue(), f"{stem}.pdf", "application/pdf")
