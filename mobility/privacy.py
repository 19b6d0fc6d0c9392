"""The data subject's rights and storage limitation: export one learner's data, erase a learner,
and the retention sweep that anonymises learners and deletes documents once they are due (import
and export files have their own, shorter, sweep: ``mobility.exports``).

Erasure keeps what statistics need and nothing that names the person: the learner row stays (the
mobilities it took part in are still counted in reports) with its identifying fields emptied, the
birth date reduced to the middle of the birth year (age bands), free text about the person
emptied, and every file about them deleted. Certificates already issued stay verifiable as
"issued" by their number and fingerprint, without the holder's name or the mobility's details.
"""

from __future__ import annotations

import io
import json
import logging
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.db.models.query import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from certification.models import BUNDLE_KINDS, PENDING_STATUSES, Certificate, DocumentJob
from partners.access import require_capability
from partners.audit import audit_record
from partners.models import AuditEntry, OutboundEmail, User
from partners.roles import Capability

from .models import (
    AccessLink,
    Document,
    Evaluation,
    FollowUp,
    Learner,
    LearningAgreement,
    Mobility,
    MobilityStatus,
    OutcomeAssessment,
    ParentalConsent,
    Party,
    Signature,
)

logger = logging.getLogger(__name__)

#: Learner fields exported as they are (relations are exported by name below).
_LEARNER_FIELDS = (
    "id",
    "kind",
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "national_id",
    "email",
    "phone",
    "nationality",
    "preferred_language",
    "trade",
    "training_year",
    "position",
    "fewer_opportunities",
    "needs_adaptation",
    "is_recent_graduate",
    "guardian_name",
    "guardian_email",
    "guardian_phone",
    "created_at",
    "updated_at",
)
_MOBILITY_FIELDS = (
    "reference",
    "direction",
    "status",
    "status_reason",
    "host_city",
    "host_country",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "distance_band",
    "main_language",
    "evaluation_due",
    "notes",
)
_AGREEMENT_FIELDS = (
    "version",
    "status",
    "language",
    "objectives",
    "tasks",
    "working_schedule",
    "assessor",
    "assessment_method",
    "assessment_timing",
    "recognition_arrangements",
    "placement_language",
    "translations",
)
_EVALUATION_TEXT = (
    "author_name",
    "tasks_carried_out",
    "job_related_skills",
    "digital_comment",
    "organisational_skills",
    "communication_skills",
    "other_skills",
    "overall_comment",
    "signatory_name",
    "signatory_position",
    "review_comment",
)
_EVALUATION_FIELDS = ("kind", "status", "language", *_EVALUATION_TEXT, "language_skills", "digital_skills")


def _values(obj: Any, names: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in names:
        value = getattr(obj, name)
        out[name] = str(value) if name in {"nationality", "host_country"} else value
    return out


def _label(obj: Any) -> str:
    return str(obj) if obj is not None else ""


# --- Right of access and portability -------------------------------------------------------------
class TooManyExports(ValidationError):
    """The person made PERSONAL_DATA_EXPORTS_PER_HOUR archives in the last hour."""


@dataclass
class LearnerExport:
    """What a learner export holds: the data as a dictionary, and the files to put beside it."""

    data: dict[str, Any]
    files: list[tuple[str, Any]] = field(default_factory=list)  # (name in the archive, FieldFile)


def _unique(name: str, used: set[str]) -> str:
    path = PurePath(name)
    candidate, n = name, 1
    while candidate in used:
        n += 1
        candidate = str(path.with_name(f"{path.stem}-{n}{path.suffix}"))
    used.add(candidate)
    return candidate


def learner_export_collect(*, learner: Learner) -> LearnerExport:
    """Everything the platform holds about ``learner``, in the shape of the export."""
    used: set[str] = set()
    files: list[tuple[str, Any]] = []

    def attach(folder: str, field_file: Any, name: str | None = None) -> str:
        if not field_file:
            return ""
        base = get_valid_filename(name or PurePath(field_file.name).name) or "file"
        archived = _unique(f"{folder}/{base}", used)
        files.append((archived, field_file))
        return archived

    data: dict[str, Any] = {
        "exported_at": timezone.now(),
        "controller": {"name": learner.centre.name, "country": str(learner.centre.country)},
        "learner": _values(learner, _LEARNER_FIELDS),
    }
    data["learner"].update(
        {
            "training_centre": learner.centre.name,
            "qualification": _label(learner.qualification),
            "sending_employer": _label(learner.employer),
            "employer_contact": _label(learner.employer_contact),
            "account_email": learner.user.email if learner.user_id and learner.user else "",
        }
    )
    data["parental_consents"] = [
        {
            "given_on": consent.given_on,
            "given_by": consent.given_by,
            "mobility": consent.mobility.reference if consent.mobility_id else "",
            "scan": attach("consents", consent.scan),
        }
        for consent in learner.consents.select_related("mobility").order_by("given_on", "id")
    ]
    data["documents"] = [
        {
            "type": document.document_type.label,
            "file_name": document.original_name,
            "uploaded_at": document.created_at,
            "valid_until": document.valid_until,
            "mobility": document.mobility.reference if document.mobility_id else "",
            "sha256": document.sha256,
            "file": attach("documents", document.file, document.original_name),
        }
        for document in learner.documents.select_related("document_type", "mobility").order_by("created_at")
    ]
    mobilities = (
        learner.mobilities.select_related(
            "activity_type", "host_organisation", "host_tutor", "sending_organisation", "project"
        )
        .prefetch_related(
            "agreements__outcomes",
            "agreements__signatures",
            "evaluations__assessments__outcome",
            "followups",
            "checklist",
            "recognitions__unit",
            "certificates",
        )
        .order_by("planned_start", "id")
    )
    data["mobilities"] = [_mobility_data(mobility, attach) for mobility in mobilities]
    mobility_ids = [m["id"] for m in data["mobilities"]]
    data["emails"] = [
        {
            "sent_at": email.sent_at or email.created_at,
            "to": email.to,
            "subject": email.subject,
            "status": email.status,
        }
        for email in OutboundEmail.objects.filter(
            Q(related_type=Mobility._meta.label, related_id__in=[str(i) for i in mobility_ids])
            | Q(to__in=[a for a in (learner.email, learner.guardian_email) if a])
        ).order_by("created_at")
    ]
    return LearnerExport(data=data, files=files)


def _mobility_data(mobility: Mobility, attach: Any) -> dict[str, Any]:
    out = _values(mobility, _MOBILITY_FIELDS)
    out.update(
        {
            "id": mobility.pk,
            "activity_type": _label(mobility.activity_type),
            "project": _label(mobility.project),
            "sending_organisation": _label(mobility.sending_organisation),
            "host_organisation": _label(mobility.host_organisation),
            "host_tutor": _label(mobility.host_tutor),
        }
    )
    out["learning_agreements"] = [
        {
            **_values(agreement, _AGREEMENT_FIELDS),
            "outcomes": [
                {"category": o.category, "description": o.description} for o in agreement.outcomes.all()
            ],
            "signatures": [
                {
                    "party": s.party,
                    "signed_by": s.signer_name,
                    "method": s.method,
                    "signed_at": s.signed_at,
                    "scan": attach("signatures", s.scan),
                }
                for s in agreement.signatures.all()
            ],
        }
        for agreement in mobility.agreements.all()
    ]
    out["evaluations"] = [
        {
            **_values(evaluation, _EVALUATION_FIELDS),
            "outcomes": [
                {"outcome": a.outcome.description, "result": a.result, "comment": a.comment}
                for a in evaluation.assessments.all()
            ],
        }
        for evaluation in mobility.evaluations.all()
    ]
    out["follow_ups"] = [
        {
            "scheduled_for": f.scheduled_for,
            "done_on": f.done_on,
            "channel": f.channel,
            "recorded_by": f.author_label,
            "notes": f.notes,
        }
        for f in mobility.followups.all()
    ]
    out["checklist"] = [
        {"task": c.display_title, "due": c.due_date, "done_at": c.done_at} for c in mobility.checklist.all()
    ]
    out["recognitions"] = [
        {"unit": _label(r.unit), "decision": r.decision, "comment": r.comment}
        for r in mobility.recognitions.all()
    ]
    out["certificates"] = []
    for certificate in mobility.certificates.all():
        if certificate.status in PENDING_STATUSES:
            continue
        out["certificates"].append(
            {
                "number": certificate.number,
                "version": certificate.version,
                "status": certificate.status,
                "issued_at": certificate.issued_at,
                "sha256": certificate.sha256,
                "file": attach("certificates", certificate.file, f"{certificate.number}.pdf"),
            }
        )
    return out


def learner_export_zip(
    *, learner: Learner, acting_user: User, request: HttpRequest | None = None
) -> tuple[str, io.BytesIO]:
    """The archive of everything held about ``learner``: ``data.json`` and the files. Audited,
    and limited to PERSONAL_DATA_EXPORTS_PER_HOUR per person (``TooManyExports``)."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, learner.centre_id)
    since = timezone.now() - timedelta(hours=1)
    made = AuditEntry.objects.filter(actor=acting_user, action="learner.personal_data_export", at__gte=since)
    if made.count() >= settings.PERSONAL_DATA_EXPORTS_PER_HOUR:
        raise TooManyExports(
            _("Too many personal-data exports in the last hour: wait a while before the next one.")
        )
    export = learner_export_collect(learner=learner)
    buffer = io.BytesIO()
    missing: list[str] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, field_file in export.files:
            try:
                with field_file.open("rb") as handle:
                    archive.writestr(name, handle.read())
            except FileNotFoundError:
                missing.append(name)
        export.data["files_missing_from_storage"] = missing
        archive.writestr(
            "data.json", json.dumps(export.data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        )
    buffer.seek(0)
    audit_record(
        action="learner.personal_data_export",
        actor=acting_user,
        target=learner,
        centre_id=learner.centre_id,
        data={"files": len(export.files) - len(missing), "mobilities": len(export.data["mobilities"])},
        request=request,
    )
    filename = get_valid_filename(f"personal-data-{learner.pk}-{timezone.localdate():%Y%m%d}.zip")
    return filename, buffer


# --- Right to erasure ------------------------------------------------------------------------------
def _mid_year(day: date | None) -> date | None:
    return date(day.year, 7, 1) if day else None


@dataclass
class ErasureResult:
    files: int = 0
    documents: int = 0
    certificates_kept: int = 0


def learner_erase(
    *,
    learner: Learner,
    acting_user: User | None,
    reason: str = "request",
    request: HttpRequest | None = None,
) -> ErasureResult:
    """Anonymises ``learner`` and deletes every file about them, all at once or not at all.

    ``acting_user`` None is the retention sweep (no capability check; the audit says so).
    """
    if acting_user is not None:
        require_capability(acting_user, Capability.ERASE_PERSONAL_DATA, learner.centre_id)
    result = ErasureResult()
    doomed: list[tuple[Storage, str]] = []

    def drop(field_file: Any) -> None:
        if field_file:
            doomed.append((field_file.storage, field_file.name))

    with transaction.atomic():
        learner = Learner.objects.select_for_update().get(pk=learner.pk)
        if learner.anonymised_at is not None:
            raise ValidationError(_("This learner's personal data have already been erased."))
        mobility_ids = list(learner.mobilities.values_list("pk", flat=True))
        if Certificate.objects.filter(mobility_id__in=mobility_ids, status="rendering").exists():
            raise ValidationError(
                _("A certificate of this learner is being rendered: try again in a minute.")
            )
        addresses = [a for a in (learner.email, learner.guardian_email) if a]

        for document in Document.objects.filter(learner=learner):
            drop(document.file)
            result.documents += 1
        Document.objects.filter(learner=learner).delete()
        for consent in ParentalConsent.objects.filter(learner=learner):
            drop(consent.scan)
        ParentalConsent.objects.filter(learner=learner).delete()

        signatures = Signature.objects.filter(agreement__mobility_id__in=mobility_ids)
        for signature in signatures.exclude(scan=""):
            drop(signature.scan)
        signatures.update(scan="")
        signatures.filter(party__in=[Party.LEARNER, Party.GUARDIAN]).update(signer_name="")

        Evaluation.objects.filter(mobility_id__in=mobility_ids).update(**dict.fromkeys(_EVALUATION_TEXT, ""))
        OutcomeAssessment.objects.filter(evaluation__mobility_id__in=mobility_ids).update(comment="")
        FollowUp.objects.filter(mobility_id__in=mobility_ids).update(notes="")
        Mobility.objects.filter(pk__in=mobility_ids).update(notes="", status_reason="")
        LearningAgreement.objects.filter(mobility_id__in=mobility_ids).update(translations={})
        _erase_related_texts(mobility_ids)

        AccessLink.objects.filter(learner=learner, contact__isnull=True).delete()
        related = Q(related_type=Mobility._meta.label, related_id__in=[str(i) for i in mobility_ids])
        # E-mails to the learner, and to the guardian about these mobilities (a guardian's address
        # may be a sibling's guardian's too: their e-mails stay). The rest loses its wording.
        own = [learner.email] if learner.email else []
        OutboundEmail.objects.filter(Q(to__in=own) | (related & Q(to__in=addresses))).delete()
        OutboundEmail.objects.filter(related).update(subject="—", body_text="", body_html="", to_name="")

        result.certificates_kept = _erase_certificates(mobility_ids, drop)
        for job in _jobs_holding(mobility_ids):
            drop(job.file)
            job.file = ""
            job.save(update_fields=["file", "updated_at"])

        user_id = learner.user_id
        Learner.objects.filter(pk=learner.pk).update(
            first_name="",
            last_name="",
            date_of_birth=_mid_year(learner.date_of_birth),
            national_id="",
            email="",
            phone="",
            position="",
            guardian_name="",
            guardian_email="",
            guardian_phone="",
            employer_contact=None,
            user=None,
            anonymised_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if user_id:
            _retire_account(user_id)
        result.files = len(doomed)
        audit_record(
            action="learner.erase",
            actor=acting_user,
            actor_label="" if acting_user else "retention",
            target=learner,
            centre_id=learner.centre_id,
            data={
                "reason": reason,
                "documents": result.documents,
                "files": result.files,
                "mobilities": len(mobility_ids),
                "certificates_kept": result.certificates_kept,
            },
            request=request,
        )

        def delete_files() -> None:
            for storage, name in doomed:
                try:
                    storage.delete(name)
                except OSError:
                    logger.warning("could not delete %s", name, exc_info=True)

        transaction.on_commit(delete_files)
    return result


def _erase_related_texts(mobility_ids: list[int]) -> None:
    from .models import EmployerFeedback, HostConfirmation, Recognition

    EmployerFeedback.objects.filter(mobility_id__in=mobility_ids).update(observed_progress="", comments="")
    HostConfirmation.objects.filter(mobility_id__in=mobility_ids).update(comment="")
    Recognition.objects.filter(mobility_id__in=mobility_ids).update(comment="")


def _erase_certificates(mobility_ids: list[int], drop: Any) -> int:
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


def _retire_account(user_id: int) -> None:
    """A learner's own login: removed, unless the person is also staff somewhere."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or user.memberships.exists():
        return
    user.is_active = False
    user.email = f"erased-{user.pk}@erased.invalid"
    user.first_name = user.last_name = ""
    user.set_unusable_password()
    user.save(update_fields=["is_active", "email", "first_name", "last_name", "password"])
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            session.delete()


# --- Storage limitation ------------------------------------------------------------------------------
_OPEN_STATUSES = (MobilityStatus.CONFIRMED, MobilityStatus.IN_PROGRESS)


def retention_cutoff(today: date | None = None) -> date:
    today = today or timezone.localdate()
    years = settings.RETENTION_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def learners_due_for_anonymisation(today: date | None = None) -> QuerySet[Learner]:
    """Learners whose last mobility ended before the cut-off, or who never went and were
    recorded before it; never someone with a mobility still open."""
    cutoff = retention_cutoff(today)
    return (
        Learner.objects.filter(anonymised_at__isnull=True)
        .annotate(last_end=Max(Coalesce("mobilities__actual_end", "mobilities__planned_end")))
        .filter(Q(last_end__lt=cutoff) | Q(last_end__isnull=True, created_at__date__lt=cutoff))
        .exclude(mobilities__status__in=_OPEN_STATUSES)
        .order_by("centre_id", "pk")
    )


def documents_due_for_deletion(today: date | None = None) -> list[Document]:
    """Documents whose type sets a retention period that has passed since the mobility ended
    (or, for a document of no mobility, since it was uploaded)."""
    today = today or timezone.localdate()
    due = []
    candidates = Document.objects.filter(
        document_type__retention_days__isnull=False, learner__anonymised_at__isnull=True
    ).select_related("document_type", "mobility")
    for document in candidates.iterator():
        if document.mobility_id:
            mobility = document.mobility
            if mobility.status in _OPEN_STATUSES:
                continue
            start = mobility.actual_end or mobility.planned_end
        else:
            start = timezone.localdate(document.created_at)
        if start + timedelta(days=document.document_type.retention_days) < today:
            due.append(document)
    return due


@dataclass
class RetentionPlan:
    cutoff: date
    learners: list[Learner]
    documents: list[Document]


def retention_plan(today: date | None = None) -> RetentionPlan:
    today = today or timezone.localdate()
    return RetentionPlan(
        cutoff=retention_cutoff(today),
        learners=list(learners_due_for_anonymisation(today).select_related("centre")),
        documents=documents_due_for_deletion(today),
    )


def retention_apply(plan: RetentionPlan) -> dict[str, int]:
    """Carries out ``plan``: each learner in its own transaction (one failure stops nothing else)."""
    done = {"learners": 0, "documents": 0, "failed": 0}
    for learner in plan.learners:
        try:
            learner_erase(learner=learner, acting_user=None, reason="retention")
        except ValidationError:
            done["failed"] += 1
            continue
        done["learners"] += 1
    for document in plan.documents:
        with transaction.atomic():
            audit_record(
                action="document.expire",
                actor_label="retention",
                target=document,
                centre_id=document.centre_id,
                data={"type": document.document_type.code, "mobility": document.mobility_id},
            )
            storage, name = document.file.storage, document.file.name
            document.delete()
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        done["documents"] += 1
    if any(done.values()):
        audit_record(action="retention.run", actor_label="retention", data=done)
    return done
