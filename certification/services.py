"""Every state change of certificates and document jobs goes through a function here.

Requesting a document writes a job row and returns; a worker renders it (``document_job_run``).
The row is the truth: a render is idempotent (a second delivery of the same job produces one file),
a worker that dies mid-render leaves the row for the next delivery or for the sweeper, and a
broker that is down never fails the request — the job waits, and the sweeper publishes it later.
"""

from __future__ import annotations

import io
import logging
import re
import secrets
import time
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Q
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mobility.agreements.models import LearningAgreement
from mobility.evaluations.models import EvaluationKind, EvaluationStatus
from mobility.mobilities.models import Mobility, MobilityGroup, MobilityStatus
from mobility.projects.models import Project
from partners.access import require_capability
from partners.audit import audit_record
from partners.models import Organisation, User
from partners.roles import Capability

from . import context as ctx
from . import documents
from .models import (
    PENDING_STATUSES,
    Certificate,
    CertificateStatus,
    DocumentJob,
    GroupIssue,
    IssueStatus,
    JobKind,
    JobStatus,
)
from .selectors import current_certificates, issuable_mobilities, mobility_for_certificate

logger = logging.getLogger(__name__)


class CertificationError(ValidationError):
    """Something the rules do not allow; the message says why, in the user's language."""


class RenderRetry(Exception):
    """A render failed but has attempts left: the task tries again later."""


class RenderAbandoned(Exception):
    """Every attempt so far ended with the rendering process gone (killed, out of memory, over the
    time limit): trying again would only take a worker down again."""


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


def _create_certificate(
    *,
    mobility: Mobility,
    languages: list[str],
    acting_user: User | None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> Certificate:
    full = mobility_for_certificate(mobility_id=mobility.pk)
    blockers = certificate_blockers(mobility=full)
    if blockers:
        raise CertificationError(blockers[0])
    version = (Certificate.objects.filter(mobility=full).aggregate(v=Max("version"))["v"] or 0) + 1
    issued_at = timezone.now()
    for _attempt in range(3):
        number = certificate_number_new()
        content = ctx.certificate_content(
            mobility=full,
            languages=languages,
            number=number,
            version=version,
            issued_at=issued_at,
            issued_by=acting_user,
        )
        certificate = Certificate(
            centre_id=full.centre_id,
            mobility=full,
            number=number,
            version=version,
            languages=languages,
            status=CertificateStatus.REQUESTED,
            content=content,
            credential=documents.certificate_credential(content, issued_at_iso=_utc_iso(issued_at)),
            issued_at=issued_at,
            issued_by=acting_user if acting_user and acting_user.is_authenticated else None,
            reissue_reason=reason,
        )
        try:
            with transaction.atomic():
                certificate.save()
            break
        except IntegrityError:
            if Certificate.objects.filter(number=number).exists():
                continue  # a number drawn twice: draw again
            raise
    else:  # pragma: no cover - 80 random bits do not collide three times
        raise CertificationError(_("Could not draw a certificate number; try again."))
    job = DocumentJob.objects.create(
        centre_id=full.centre_id,
        kind=JobKind.CERTIFICATE,
        certificate=certificate,
        mobility=full,
        language=languages[0],
        requested_by=certificate.issued_by,
    )
    audit_record(
        action="certificate.reissue" if reason else "certificate.issue",
        actor=acting_user,
        target=certificate,
        centre_id=full.centre_id,
        data={"version": version, "mobility": full.pk, "languages": languages},
        request=request,
    )
    _enqueue(job)
    return certificate


def _utc_iso(value) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


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
) -> Certificate:
    """Issues the certificate of an evaluated mobility; a second request while it renders returns
    the same certificate (a double click issues one)."""
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


def group_certificates_issue(
    *, group: MobilityGroup, acting_user: User, bilingual: bool = False, request: HttpRequest | None = None
) -> list[Certificate]:
    """Issues the certificates of every evaluated mobility of a group that has none.

    Each certificate is committed, and its job published, on its own: workers start rendering the
    first ones while the next are issued, and a request cut short leaves the certificates issued so
    far, not none (issuing again issues the rest).
    """
    require_capability(acting_user, Capability.ISSUE_CERTIFICATES, group.centre_id)
    issued = []
    for mobility in issuable_mobilities(mobilities=Mobility.objects.filter(group=group)).select_related(
        "participant"
    ):
        issued.append(
            certificate_issue(
                mobility=mobility, acting_user=acting_user, bilingual=bilingual, request=request
            )
        )
    return issued


def group_certificates_request(
    *, group: MobilityGroup, acting_user: User, bilingual: bool = False, request: HttpRequest | None = None
) -> tuple[list[Certificate], GroupIssue | None]:
    """The group page's "issue every certificate". A group of up to GROUP_ISSUE_IN_REQUEST waiting
    mobilities is issued here and now; a larger one is recorded as a ``GroupIssue`` that a worker
    carries out (``group_issue_run``), so that the request answers at once. A second request while one
    is under way returns it (a double click issues once)."""
    require_capability(acting_user, Capability.ISSUE_CERTIFICATES, group.centre_id)
    waiting = issuable_mobilities(mobilities=Mobility.objects.filter(group=group)).count()
    if waiting <= settings.GROUP_ISSUE_IN_REQUEST:
        return (
            group_certificates_issue(
                group=group, acting_user=acting_user, bilingual=bilingual, request=request
            ),
            None,
        )
    with transaction.atomic():
        MobilityGroup.objects.select_for_update().filter(pk=group.pk).first()
        active = GroupIssue.objects.filter(
            group=group, status__in=[IssueStatus.REQUESTED, IssueStatus.ISSUING]
        ).first()
        if active is not None:
            return [], active
        issue = GroupIssue.objects.create(
            centre_id=group.centre_id,
            group=group,
            bilingual=bilingual,
            total=waiting,
            requested_by=acting_user,
        )
        audit_record(
            action="certificate.group_issue",
            actor=acting_user,
            target=group,
            centre_id=group.centre_id,
            data={"certificates": waiting, "bilingual": bilingual},
            request=request,
        )
        transaction.on_commit(lambda: _publish_group_issue(issue.pk))
    return [], issue


def active_group_issue(*, group: MobilityGroup) -> GroupIssue | None:
    return (
        GroupIssue.objects.filter(group=group, status__in=[IssueStatus.REQUESTED, IssueStatus.ISSUING])
        .order_by("-created_at")
        .first()
    )


def _publish_group_issue(issue_id: int) -> bool:
    from .tasks import issue_group_certificates

    return _publish_row(issue_group_certificates, GroupIssue, issue_id)


def _group_issues_republish_stale(*, grace, stale) -> int:
    ids = list(
        GroupIssue.objects.filter(
            Q(status=IssueStatus.REQUESTED, published_at__isnull=True, created_at__lt=grace)
            | Q(status=IssueStatus.REQUESTED, published_at__lt=stale)
            | Q(status=IssueStatus.ISSUING, started_at__lt=stale)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:100]
    )
    return sum(1 for pk in ids if _publish_group_issue(pk))


_ISSUE_LOCK_NAMESPACE = 0x47495353 << 32  # "GISS"


def group_issue_run(*, issue_id: int) -> GroupIssue | None:
    """Issues the group's waiting certificates, each committed and published on its own (workers
    render the first while the next are issued). Run once whatever the number of deliveries; a run cut
    short is taken up again by the next delivery or the sweeper and issues only what is still waiting.
    None when another worker is carrying it out right now."""
    with _render_lock(issue_id, namespace=_ISSUE_LOCK_NAMESPACE) as acquired:
        if not acquired:
            return None
        with transaction.atomic():
            issue = GroupIssue.objects.select_for_update().filter(pk=issue_id).select_related("group").first()
            if issue is None or not issue.is_active:
                return issue
            if issue.attempts >= settings.DOCUMENT_JOB_MAX_ATTEMPTS:
                return _group_issue_end(
                    issue,
                    IssueStatus.FAILED,
                    _("The issuing stopped %(n)s times before finishing.") % {"n": issue.attempts},
                )
            issue.status = IssueStatus.ISSUING
            issue.attempts += 1
            issue.started_at = timezone.now()
            issue.save(update_fields=["status", "attempts", "started_at", "updated_at"])
        user = issue.requested_by
        if user is None or not user.is_active:
            return _group_issue_end(
                issue, IssueStatus.FAILED, _("The person who asked for them has no account any more.")
            )
        mobilities = issuable_mobilities(mobilities=Mobility.objects.filter(group=issue.group)).order_by("pk")
        for mobility_id in list(mobilities.values_list("pk", flat=True)):
            mobility = Mobility.objects.select_related("participant").get(pk=mobility_id)
            try:
                certificate_issue(mobility=mobility, acting_user=user, bilingual=issue.bilingual)
            except CertificationError as error:  # changed since the request: the others go on
                logger.info("group issue %s: mobility %s not issued: %s", issue.pk, mobility_id, error)
                continue
            except PermissionDenied:
                return _group_issue_end(
                    issue,
                    IssueStatus.FAILED,
                    _("The person who asked for them may no longer issue certificates."),
                )
            GroupIssue.objects.filter(pk=issue.pk).update(issued=F("issued") + 1, updated_at=timezone.now())
        return _group_issue_end(issue, IssueStatus.DONE, "")


def _group_issue_end(issue: GroupIssue, status: str, error: str) -> GroupIssue:
    GroupIssue.objects.filter(pk=issue.pk).update(
        status=status, error=error, finished_at=timezone.now(), updated_at=timezone.now()
    )
    issue.refresh_from_db()
    return issue


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
    _enqueue(job)
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
                certificate.content, issued_at_iso=_utc_iso(certificate.issued_at)
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
        _enqueue(job)
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
# After a failed publish the broker is left alone for a while: during an outage only the first
# request waits for the socket timeout, the next ones answer at once (the sweeper publishes later).
_broker_quiet_until = 0.0


def _publish(job_id: int) -> bool:
    from .tasks import render_document

    return _publish_row(render_document, DocumentJob, job_id)


def _publish_row(task: Any, model: Any, pk: int) -> bool:
    """Hands a job row's id to the broker; False when the broker is out of reach (the sweeper will)."""
    global _broker_quiet_until
    if time.monotonic() < _broker_quiet_until:
        return False
    try:
        task.apply_async((pk,))
    except Exception:
        _broker_quiet_until = time.monotonic() + settings.DOCUMENT_JOB_BROKER_BACKOFF
        logger.warning("could not publish %s %s; the sweeper will", model.__name__, pk, exc_info=True)
        return False
    try:
        model.objects.filter(pk=pk).update(published_at=timezone.now())
    except Exception:  # the job is on its way; the timestamp only spares a republish
        logger.warning("could not record the publication of %s %s", model.__name__, pk, exc_info=True)
    return True


def _enqueue(job: DocumentJob) -> None:
    transaction.on_commit(lambda: _publish(job.pk))


def document_jobs_republish_stale() -> int:
    """Publishes again the jobs a broker outage or a dead worker left behind (run by beat)."""
    global _broker_quiet_until
    _broker_quiet_until = 0.0
    now = timezone.now()
    stale = now - timedelta(seconds=settings.DOCUMENT_JOB_STALE_AFTER)
    grace = now - timedelta(seconds=settings.DOCUMENT_JOB_PUBLISH_GRACE)
    ids = list(
        DocumentJob.objects.filter(
            Q(status=JobStatus.REQUESTED, published_at__isnull=True, created_at__lt=grace)
            | Q(status=JobStatus.REQUESTED, published_at__lt=stale)
            | (
                Q(status=JobStatus.RENDERING, started_at__lt=stale)
                & (Q(published_at__isnull=True) | Q(published_at__lt=stale))
            )
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:1000]
    )
    published = sum(1 for pk in ids if _publish(pk))
    if ids:
        logger.info("republished %s of %s stale document jobs", published, len(ids))
    return published + _group_issues_republish_stale(grace=grace, stale=stale)


# --- Rendering (workers) ------------------------------------------------------------------------
_LOCK_NAMESPACE = 0x43455254 << 32  # "CERT"


@contextmanager
def _render_lock(job_id: int, namespace: int = _LOCK_NAMESPACE) -> Iterator[bool]:
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
    with _render_lock(job_id) as acquired:
        if not acquired:
            logger.info("document job %s is being rendered elsewhere", job_id)
            return None
        return _run_locked(job_id)


def _run_locked(job_id: int) -> DocumentJob | None:
    with transaction.atomic():
        job = DocumentJob.objects.select_for_update().filter(pk=job_id).first()
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
        permanent = job.attempts >= settings.DOCUMENT_JOB_MAX_ATTEMPTS
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
        certificate = Certificate.objects.get(pk=job.certificate_id or 0)
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
    return _render_bundle(job)


def _store(job: DocumentJob, rendered: documents.RenderedDocument) -> DocumentJob:
    now = timezone.now()
    with transaction.atomic():
        job = DocumentJob.objects.select_for_update().get(pk=job.pk)
        if job.status == JobStatus.READY:  # finished by another delivery meanwhile
            return job
        certificate = None
        if job.certificate_id:
            certificate = Certificate.objects.select_for_update().get(pk=job.certificate_id)
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
    certificate.save(update_fields=["status", "file", "sha256", "updated_at"])
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
