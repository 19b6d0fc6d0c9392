"""The tutor's evaluation and the learner's self-assessment, written by people without accounts
(``acting_user=None`` and a label naming them), reviewed by staff: saving a draft never loses what
was typed, submitting names every missing part, validating or sending back is audited.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from mobility.agreements.models import AgreementOutcome
from mobility.catalogue.models import Assignee, Step
from mobility.evaluations.models import (
    CEFR_SKILLS,
    DIGCOMP_AREAS,
    CefrLevel,
    DigcompLevel,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    OutcomeAssessment,
    OutcomeResult,
)
from mobility.evaluations.selectors import EDITABLE, evaluation_is_open, evaluation_outcomes
from mobility.evaluations.services.debrief import debrief_sent, employer_debrief_send
from mobility.guests.models import AccessLink, GuestRole
from mobility.guests.services import links as guests
from mobility.guests.services import notifications as services_notifications
from mobility.mobilities.models import Mobility, MobilityStatus
from mobility.site import i18n
from mobility.tracking.models import ChecklistItem
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record

logger = logging.getLogger(__name__)


EVALUATION_FIELDS = (
    "tasks_carried_out",
    "job_related_skills",
    "language_skills",
    "digital_skills",
    "digital_comment",
    "organisational_skills",
    "communication_skills",
    "other_skills",
    "attended_from",
    "attended_to",
    "absence_days",
    "overall_comment",
    "signatory_name",
    "signatory_position",
)

#: Languages offered in the language-skills section: the EU's official languages and the languages
#: most placements abroad involve. Names are translated by Django's own catalogue.
SKILL_LANGUAGES = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv",
    "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv", "ar", "ca", "eu", "gl", "is", "mk", "nb", "ru",
    "sq", "sr", "tr", "uk", "zh-hans", "ja", "ko",
)  # fmt: skip


def language_choices() -> list[tuple[str, str]]:
    """(code, name in the reader's language), sorted by name."""
    rows = [(code, capfirst(language_name(code))) for code in SKILL_LANGUAGES if code in LANG_INFO]
    return sorted(rows, key=lambda row: row[1].casefold())


def language_name(code: str) -> str:
    """The name of a language in the reader's language; an unknown code as it is."""
    return i18n.language_name(code)


class EvaluationLocked(ValidationError):
    """The evaluation was submitted: it is read-only until the referent sends it back."""


@dataclass(frozen=True)
class MissingPart:
    """A part to complete before submitting. ``fields`` names what is missing, in the evaluation's
    terms: an attribute ("overall_comment"), "outcome:<outcome id>", "language_skills" (no language
    at all) or "language_skills:<language code>:<skill>" — so that a form can mark each of its
    fields invalid and tie it to the message."""

    anchor: str
    message: str
    fields: tuple[str, ...] = ()


def evaluation_missing_parts(
    *, evaluation: Evaluation, outcomes: list[AgreementOutcome], texts: dict[int, str] | None = None
) -> list[MissingPart]:
    """Every part still needed before submission, each in words the person filling it in understands
    (``texts``: the outcomes as that person reads them, translated)."""
    missing: list[MissingPart] = []
    results = {a.outcome_id: a.result for a in evaluation.assessments.all()}
    for number, outcome in enumerate(outcomes, start=1):
        if not results.get(outcome.pk):
            text = (texts or {}).get(outcome.pk) or outcome.description
            excerpt = text if len(text) <= 60 else text[:57] + "…"
            missing.append(
                MissingPart(
                    f"outcome-{outcome.pk}",
                    _(
                        "Learning outcome %(number)s (“%(text)s”): choose achieved, partly achieved or not achieved."
                    )
                    % {"number": number, "text": excerpt},
                    (f"outcome:{outcome.pk}",),
                )
            )
    if not evaluation.tasks_carried_out.strip():
        missing.append(
            MissingPart(
                "section-tasks",
                _("Activities and tasks carried out: describe what was done."),
                ("tasks_carried_out",),
            )
        )
    if not evaluation.job_related_skills.strip():
        missing.append(
            MissingPart(
                "section-job", _("Job-related skills: describe the skills acquired."), ("job_related_skills",)
            )
        )
    rows = [row for row in evaluation.language_skills or [] if row.get("language")]
    if not rows:
        missing.append(
            MissingPart(
                "section-language",
                _("Language skills: give at least one language and its levels."),
                ("language_skills",),
            )
        )
    for row in rows:
        empty = [(key, str(label)) for key, label in CEFR_SKILLS if not row.get(key)]
        if empty:
            missing.append(
                MissingPart(
                    "section-language",
                    _("Language skills, %(language)s: choose a level for %(skills)s.")
                    % {
                        "language": language_name(row["language"]),
                        "skills": ", ".join(label for _key, label in empty),
                    },
                    tuple(f"language_skills:{row['language']}:{key}" for key, _label in empty),
                )
            )
    if evaluation.kind == EvaluationKind.TUTOR:
        if not evaluation.attended_from or not evaluation.attended_to:
            missing.append(
                MissingPart(
                    "section-attendance",
                    _("Attendance: give the first and the last day of presence."),
                    tuple(name for name in ("attended_from", "attended_to") if not getattr(evaluation, name)),
                )
            )
        for name, message in attendance_problems(evaluation.mobility, evaluation).items():
            missing.append(MissingPart("section-attendance", message, (name,)))
        if evaluation.absence_days is None:
            missing.append(
                MissingPart(
                    "section-attendance",
                    _("Attendance: give the number of days of absence (0 if none)."),
                    ("absence_days",),
                )
            )
    if not evaluation.overall_comment.strip():
        missing.append(
            MissingPart(
                "section-overall", _("Overall comment: write a few words to conclude."), ("overall_comment",)
            )
        )
    if evaluation.kind == EvaluationKind.TUTOR:
        unsigned = tuple(
            name for name in ("signatory_name", "signatory_position") if not getattr(evaluation, name).strip()
        )
        if unsigned:
            missing.append(
                MissingPart(
                    "section-signatory",
                    _("Signatory: give the name and the position of the person who signs for the host."),
                    unsigned,
                )
            )
    return missing


# --- Writing (tutor and learner) -------------------------------------------------------------------
def _clean_language_skills(rows: Any) -> list[dict[str, str]]:
    if not isinstance(rows, list):
        raise ValidationError({"language_skills": _("The language skills could not be read.")})
    allowed_levels = set(CefrLevel.values)
    cleaned: list[dict[str, str]] = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            continue
        values = {key: (row.get(key) or "").strip() for key, _label in CEFR_SKILLS}
        language = (row.get("language") or "").strip()
        if not language and not any(values.values()):
            continue
        if not language:
            raise ValidationError(
                {"language_skills": _("Language %(number)s: choose the language.") % {"number": number}}
            )
        if language not in SKILL_LANGUAGES:
            raise ValidationError(
                {"language_skills": _("Language %(number)s is not in the list.") % {"number": number}}
            )
        if language in seen:
            raise ValidationError(
                {
                    "language_skills": _("%(language)s is listed twice.")
                    % {"language": language_name(language)}
                }
            )
        seen.add(language)
        if any(value and value not in allowed_levels for value in values.values()):
            raise ValidationError({"language_skills": _("Choose a level between A1 and C2.")})
        cleaned.append({"language": language, **values})
    return cleaned


def _clean_digital_skills(values: Any) -> dict[str, str]:
    if not isinstance(values, dict):
        raise ValidationError({"digital_skills": _("The digital skills could not be read.")})
    areas = {key for key, _label in DIGCOMP_AREAS}
    levels = set(DigcompLevel.values)
    cleaned = {}
    for key, value in values.items():
        if key in areas and value:
            if value not in levels:
                raise ValidationError({"digital_skills": _("Choose basic, independent or proficient user.")})
            cleaned[key] = value
    return cleaned


def attendance_problems(mobility: Mobility, evaluation: Evaluation) -> dict[str, str]:
    """What is wrong with the attendance dates, by field. Checked at submission only: a draft keeps
    whatever was typed (during the stay, the planned end is still in the future)."""
    errors: dict[str, str] = {}
    start, end = evaluation.attended_from, evaluation.attended_to
    if start and end and end < start:
        errors["attended_to"] = _("The last day of presence is before the first.")
    window_start = mobility.planned_start - timedelta(days=60)
    window_end = mobility.planned_end + timedelta(days=60)
    for name, day in (("attended_from", start), ("attended_to", end)):
        if day and not (window_start <= day <= window_end):
            errors.setdefault(
                name,
                _("This date is far from the placement (%(start)s – %(end)s): check it.")
                % {
                    "start": mobility.planned_start.strftime("%d/%m/%Y"),
                    "end": mobility.planned_end.strftime("%d/%m/%Y"),
                },
            )
        if day and day > timezone.localdate() + timedelta(days=1):
            errors.setdefault(name, _("This date is in the future."))
    if start and end and end >= start and evaluation.absence_days is not None:
        if evaluation.absence_days > (end - start).days + 1:
            errors["absence_days"] = _("More days of absence than days of placement (%(days)s).") % {
                "days": (end - start).days + 1
            }
    return errors


def _lock_evaluation(mobility: Mobility, kind: str) -> Evaluation:
    """The evaluation row, created on first use and locked; the mobility row lock orders creators."""
    Mobility.objects.select_for_update(of=("self",)).filter(pk=mobility.pk).first()
    evaluation = Evaluation.objects.select_for_update().filter(mobility=mobility, kind=kind).first()
    if evaluation is None:
        evaluation = Evaluation.objects.create(mobility=mobility, kind=kind)
    return evaluation


def evaluation_save_draft(
    *,
    mobility: Mobility,
    kind: str,
    data: dict[str, Any],
    assessments: dict[int, dict[str, str]] | None,
    author_name: str,
    language: str,
    actor_label: str,
    acting_user: User | None = None,
    request: HttpRequest | None = None,
) -> Evaluation:
    """Stores what was typed, complete or not. A submitted evaluation can no longer change."""
    values = {k: v for k, v in data.items() if k in EVALUATION_FIELDS}
    if "language_skills" in values:
        values["language_skills"] = _clean_language_skills(values["language_skills"])
    if "digital_skills" in values:
        values["digital_skills"] = _clean_digital_skills(values["digital_skills"])
    for name in ("tasks_carried_out", "job_related_skills", "digital_comment", "organisational_skills",
                 "communication_skills", "other_skills", "overall_comment", "signatory_name",
                 "signatory_position"):  # fmt: skip
        if name in values:
            values[name] = (values[name] or "").strip()
    outcome_ids = {o.pk for o in evaluation_outcomes(mobility=mobility)}
    with transaction.atomic():
        evaluation = _lock_evaluation(mobility, kind)
        if evaluation.status not in EDITABLE:
            raise EvaluationLocked(_("This evaluation has been submitted: it can no longer be changed."))
        changed = [name for name, value in values.items() if getattr(evaluation, name) != value]
        for name, value in values.items():
            setattr(evaluation, name, value)
        evaluation.author_name = author_name[:200]
        evaluation.language = language[:10]
        evaluation.full_clean()
        evaluation.save()
        for outcome_id, row in (assessments or {}).items():
            if outcome_id not in outcome_ids:
                continue  # an outcome of another agreement, or a forged id
            result = row.get("result") or ""
            if result and result not in OutcomeResult.values:
                raise ValidationError({"assessments": _("Choose achieved, partly achieved or not achieved.")})
            OutcomeAssessment.objects.update_or_create(
                evaluation=evaluation,
                outcome_id=outcome_id,
                defaults={"result": result, "comment": (row.get("comment") or "").strip()},
            )
        audit_record(
            action="evaluation.save",
            actor=acting_user,
            actor_label=actor_label,
            target=evaluation,
            centre_id=mobility.centre_id,
            data={"kind": kind, "changes": sorted(changed)},
            request=request,
        )
    return evaluation


def evaluation_submit(
    *,
    mobility: Mobility,
    kind: str,
    actor_label: str,
    link: AccessLink | None = None,
    acting_user: User | None = None,
    request: HttpRequest | None = None,
) -> tuple[Evaluation, bool]:
    """Submits a complete evaluation; returns it and whether this call submitted it.

    A second submit (double click, resent form) finds it submitted and changes nothing. An
    incomplete one raises a ValidationError listing every missing part, the draft kept as it is.
    """
    from mobility.tracking.services import checklist_item_set_done

    outcomes = evaluation_outcomes(mobility=mobility)
    with transaction.atomic():
        evaluation = _lock_evaluation(mobility, kind)
        if evaluation.status in (EvaluationStatus.SUBMITTED, EvaluationStatus.VALIDATED):
            return evaluation, False
        if not evaluation_is_open(mobility=Mobility.objects.get(pk=mobility.pk)):
            raise ValidationError(_("The evaluation can be submitted once the placement has started."))
        missing = evaluation_missing_parts(evaluation=evaluation, outcomes=outcomes)
        if missing:
            raise ValidationError([m.message for m in missing])
        evaluation.status = EvaluationStatus.SUBMITTED
        evaluation.submitted_at = timezone.now()
        evaluation.save(update_fields=["status", "submitted_at", "updated_at"])
        audit_record(
            action="evaluation.submit",
            actor=acting_user,
            actor_label=actor_label,
            target=evaluation,
            centre_id=mobility.centre_id,
            data={"kind": kind, "status": evaluation.status},
            request=request,
        )
        # The checklist's "evaluation" tasks of whoever submitted are done now.
        assignee = Assignee.TUTOR if kind == EvaluationKind.TUTOR else Assignee.LEARNER
        for item in ChecklistItem.objects.filter(
            mobility=mobility,
            step=Step.EVALUATE,
            assignee=assignee,
            done_at__isnull=True,
            document_type__isnull=True,
        ):
            checklist_item_set_done(item=item, done=True, acting_user=acting_user, actor_label=actor_label)
        services_notifications.notify_referents(
            mobility=mobility,
            kind="referent.evaluation_submitted",
            template="referent_evaluation_submitted",
            context={"evaluation": evaluation, "author_name": evaluation.author_name},
            link=link,
        )
    return evaluation, True


# --- Review (referent) --------------------------------------------------------------------------
def _lock_for_review(evaluation: Evaluation, acting_user: User) -> Evaluation:
    require_capability(acting_user, Capability.VALIDATE_EVALUATIONS, evaluation.mobility.centre_id)
    locked = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("mobility", "mobility__participant", "mobility__centre", "mobility__host_tutor")
        .get(pk=evaluation.pk)
    )
    if locked.kind != EvaluationKind.TUTOR:
        raise ValidationError(_("Only the host tutor's evaluation is reviewed."))
    if locked.status != EvaluationStatus.SUBMITTED:
        raise ValidationError(
            _("Only a submitted evaluation can be reviewed (this one is “%(status)s”).")
            % {"status": EvaluationStatus(locked.status).label}
        )
    return locked


def evaluation_validate(
    *, evaluation: Evaluation, acting_user: User, comment: str = "", request: HttpRequest | None = None
) -> Evaluation:
    """Accepts the tutor's evaluation; the mobility moves to "evaluated" when it is over, and the
    sending employer receives the debrief."""
    from mobility.mobilities.services import TransitionError, mobility_transition

    with transaction.atomic():
        evaluation = _lock_for_review(evaluation, acting_user)
        evaluation.status = EvaluationStatus.VALIDATED
        evaluation.reviewed_at = timezone.now()
        evaluation.reviewed_by = acting_user
        evaluation.review_comment = comment.strip()
        evaluation.save(
            update_fields=["status", "reviewed_at", "reviewed_by", "review_comment", "updated_at"]
        )
        audit_record(
            action="evaluation.validate",
            actor=acting_user,
            target=evaluation,
            centre_id=evaluation.mobility.centre_id,
            data={"status": evaluation.status},
            request=request,
        )
        mobility = evaluation.mobility
        if mobility.status in (MobilityStatus.COMPLETED, MobilityStatus.INTERRUPTED):
            try:
                mobility_transition(
                    mobility=mobility,
                    to_status=MobilityStatus.EVALUATED,
                    acting_user=acting_user,
                    system=True,
                )
            except TransitionError:
                logger.info("mobility %s validated but not moved to evaluated", mobility.pk)
        if not debrief_sent(mobility):
            # No employer address: nothing is sent, and the mobility's page says what is missing.
            with contextlib.suppress(ValidationError):
                employer_debrief_send(mobility=mobility, acting_user=None)
    return evaluation


def evaluation_send_back(
    *, evaluation: Evaluation, acting_user: User, comment: str, request: HttpRequest | None = None
) -> Evaluation:
    """Returns the evaluation to the tutor with the referent's comment; the tutor is told by e-mail."""
    if not comment.strip():
        raise ValidationError({"comment": _("Say what the tutor should change.")})
    with transaction.atomic():
        evaluation = _lock_for_review(evaluation, acting_user)
        evaluation.status = EvaluationStatus.RETURNED
        evaluation.reviewed_at = timezone.now()
        evaluation.reviewed_by = acting_user
        evaluation.review_comment = comment.strip()
        evaluation.save(
            update_fields=["status", "reviewed_at", "reviewed_by", "review_comment", "updated_at"]
        )
        audit_record(
            action="evaluation.send_back",
            actor=acting_user,
            target=evaluation,
            centre_id=evaluation.mobility.centre_id,
            data={"status": evaluation.status},
            request=request,
        )
        sent = guests.access_link_ensure_and_send(
            mobility=evaluation.mobility,
            role=GuestRole.TUTOR,
            kind="guest.returned",
            template="evaluation_returned",
            context={"evaluation": evaluation, "comment": evaluation.review_comment, "referent": acting_user},
        )
        if sent is None:
            logger.info("evaluation %s sent back but the tutor has no address", evaluation.pk)
    return evaluation
