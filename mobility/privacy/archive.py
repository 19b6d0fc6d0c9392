"""The data subject's right of access: one learner's data as one ZIP (JSON and every stored file)."""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from mobility.learners.models import LEARNER_VALUES, Learner
from mobility.mobilities.models import Mobility
from mobility.privacy.holders import holders
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.models import AuditEntry
from partners.audit.services import audit_record
from partners.emails.models import OutboundEmail

#: Learner fields exported as they are (relations are exported by name below).
_LEARNER_FIELDS = ("id", *LEARNER_VALUES, "created_at", "updated_at")

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

EVALUATION_TEXT = (
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

_EVALUATION_FIELDS = ("kind", "status", "language", *EVALUATION_TEXT, "language_skills", "digital_skills")


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
            *(name for holder in holders() for name in holder.prefetch),
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
    for holder in holders():
        out[holder.name] = holder.export(mobility, attach)
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
