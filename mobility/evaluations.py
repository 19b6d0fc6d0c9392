"""After the placement: the tutor's evaluation, the learner's self-assessment, the referent's review,
the sending employer's debrief and feedback, the centre's recognition, and the tutors' reminders.

Evaluations are written by people without accounts (``acting_user=None`` and a label naming them)
and reviewed by staff (capability ``VALIDATE_EVALUATIONS``). Saving a draft never loses what was
typed; submitting checks completeness and names every missing part; a second submit of the same
evaluation changes nothing.
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.access import require_capability
from partners.audit import audit_record
from partners.models import OutboundEmail, User
from partners.roles import Capability

from . import guests, i18n
from .models import (
    CEFR_SKILLS,
    DIGCOMP_AREAS,
    AccessLink,
    AgreementOutcome,
    Assignee,
    CefrLevel,
    ChecklistItem,
    DigcompLevel,
    EmployerFeedback,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    GuestReminder,
    GuestRole,
    HostConfirmation,
    Mobility,
    MobilityStatus,
    OutcomeAssessment,
    OutcomeResult,
    Recognition,
    RecognitionDecision,
    ReminderKind,
    Step,
    Unit,
)

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
#: Who may still write: a draft, or an evaluation the referent sent back.
EDITABLE = (EvaluationStatus.DRAFT, EvaluationStatus.RETURNED)
#: Mobility statuses in which the evaluation can be submitted (the last days of the stay count).
EVALUABLE = (MobilityStatus.IN_PROGRESS, MobilityStatus.COMPLETED, MobilityStatus.INTERRUPTED)
#: Reminders go this many days after the due date (at most one a day, never after submission).
REMINDER_OFFSETS: tuple[int, ...] = tuple(getattr(settings, "GUEST_REMINDER_OFFSETS", (3, 10)))
#: Days the tutor has to confirm the placement after the invitation (never later than the start).
CONFIRMATION_DAYS = 7

#: Languages offered in the language-skills section: the EU's official languages and the languages
#: most placements abroad involve. Names are translated by Django's own catalogue.
SKILL_LANGUAGES = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "it", "lt", "lv",
    "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv", "ar", "ca", "eu", "gl", "is", "mk", "nb", "ru",
    "sq", "sr", "tr", "uk", "zh-hans", "ja", "ko",
)  # fmt: skip


def language_choices() -> list[tuple[str, str]]:
    """(code, name in the reader's language), sorted by name."""
    rows = [(code, language_name(code)) for code in SKILL_LANGUAGES if code in LANG_INFO]
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


# --- Reading ------------------------------------------------------------------------------------
def evaluation_outcomes(*, mobility: Mobility) -> list[AgreementOutcome]:
    """The learning outcomes of the current learning agreement, in order."""
    agreement = mobility.agreements.exclude(status="superseded").order_by("-version").first()
    if agreement is None:
        agreement = mobility.agreements.order_by("-version").first()
    if agreement is None:
        return []
    return list(agreement.outcomes.select_related("unit").order_by("order", "id"))


def evaluation_get(*, mobility: Mobility, kind: str) -> Evaluation | None:
    return (
        Evaluation.objects.filter(mobility=mobility, kind=kind)
        .prefetch_related("assessments")
        .select_related("reviewed_by")
        .first()
    )


def evaluation_is_open(*, mobility: Mobility) -> bool:
    """Whether the evaluation can be filled in and submitted: the placement has started and is not over
    administratively."""
    return mobility.status in EVALUABLE


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


def _check_attendance(mobility: Mobility, evaluation: Evaluation) -> None:
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
    if errors:
        raise ValidationError(errors)


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
        _check_attendance(mobility, evaluation)
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
    from .services import checklist_item_set_done

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
        guests.notify_referents(
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
    from .services import TransitionError, mobility_transition

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
        if not _debrief_sent(mobility):
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


# --- Sending employer ---------------------------------------------------------------------------
def _debrief_sent(mobility: Mobility) -> bool:
    return OutboundEmail.objects.filter(
        related_type=Mobility._meta.label,
        related_id=str(mobility.pk),
        kind__startswith="guest.invitation.employer",
    ).exists()


def debrief_context(*, mobility: Mobility) -> dict[str, Any]:
    """What the employer reads: outcomes achieved and the tutor's summary (no other personal data)."""
    evaluation = evaluation_get(mobility=mobility, kind=EvaluationKind.TUTOR)
    outcomes = evaluation_outcomes(mobility=mobility)
    results = {a.outcome_id: a for a in evaluation.assessments.all()} if evaluation else {}
    rows = [(o, results.get(o.pk)) for o in outcomes]
    return {
        "evaluation": evaluation,
        "outcome_rows": rows,
        "achieved": sum(1 for _o, a in rows if a and a.result == OutcomeResult.ACHIEVED),
        "partly": sum(1 for _o, a in rows if a and a.result == OutcomeResult.PARTLY),
        "outcome_total": len(rows),
    }


def employer_debrief_send(
    *, mobility: Mobility, acting_user: User | None, request: HttpRequest | None = None
) -> AccessLink:
    """E-mails the sending employer the debrief and their feedback link (once validated)."""
    if acting_user is not None:
        require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    evaluation = evaluation_get(mobility=mobility, kind=EvaluationKind.TUTOR)
    if evaluation is None or evaluation.status != EvaluationStatus.VALIDATED:
        raise ValidationError(_("The debrief is sent once the tutor's evaluation is validated."))
    if acting_user is not None:
        return guests.access_link_invite(
            mobility=mobility, role=GuestRole.EMPLOYER, acting_user=acting_user, request=request
        )
    with transaction.atomic():
        locked = guests._lock_mobility(mobility)
        link, created = guests._ensure_link(mobility=locked, role=GuestRole.EMPLOYER, created_by=None)
        guests.link_send(
            link=link,
            kind="guest.invitation.employer",
            template=guests.INVITATION_TEMPLATES[GuestRole.EMPLOYER],
            context={"resent": not created},
        )
        audit_record(
            action="access_link.invite", actor_label="platform", target=link, centre_id=mobility.centre_id,
            data={"role": GuestRole.EMPLOYER},
        )  # fmt: skip
    return link


FEEDBACK_FIELDS = ("satisfaction", "observed_progress", "comments", "would_send_again")


def employer_feedback_submit(
    *, mobility: Mobility, grant: guests.Grant, data: dict[str, Any], request: HttpRequest | None = None
) -> tuple[EmployerFeedback, bool]:
    """Stores the employer's feedback once; a second submit returns the stored one unchanged."""
    if grant.role != GuestRole.EMPLOYER:
        raise ValidationError(_("Only the sending employer gives this feedback."))
    values = {k: v for k, v in data.items() if k in FEEDBACK_FIELDS}
    with transaction.atomic():
        Mobility.objects.select_for_update(of=("self",)).filter(pk=mobility.pk).first()
        existing = EmployerFeedback.objects.filter(mobility=mobility).first()
        if existing is not None:
            return existing, False
        feedback = EmployerFeedback(
            mobility=mobility,
            contact=grant.link.contact if grant.link is not None else None,
            submitted_at=timezone.now(),
            **values,
        )
        feedback.full_clean()
        feedback.save()
        audit_record(
            action="employer_feedback.submit",
            actor_label=grant.label,
            target=feedback,
            centre_id=mobility.centre_id,
            request=request,
        )
    return feedback, True


# --- Recognition ----------------------------------------------------------------------------------
AFTER_RETURN = (
    MobilityStatus.COMPLETED,
    MobilityStatus.INTERRUPTED,
    MobilityStatus.EVALUATED,
    MobilityStatus.CERTIFIED,
)


def recognition_units(*, mobility: Mobility) -> list[Unit]:
    """Units the centre decides on: those of the learning agreement, else the qualification's."""
    agreement = mobility.agreements.exclude(status="superseded").order_by("-version").first()
    units: dict[int, Unit] = {}
    if agreement is not None:
        for unit in agreement.units.all():
            units[unit.pk] = unit
        for outcome in agreement.outcomes.select_related("unit"):
            if outcome.unit is not None:
                units.setdefault(outcome.unit.pk, outcome.unit)
    if not units and mobility.participant.qualification_id:
        units = {u.pk: u for u in Unit.objects.filter(qualification_id=mobility.participant.qualification_id)}
    return sorted(units.values(), key=lambda u: (u.order, u.code))


def recognition_record(
    *,
    mobility: Mobility,
    decisions: list[dict[str, Any]],
    acting_user: User,
    request: HttpRequest | None = None,
) -> list[Recognition]:
    """Records the centre's decision per unit after return (recognised or not, on a date); an empty
    decision withdraws an earlier one. Each change is audited."""
    require_capability(acting_user, Capability.VALIDATE_EVALUATIONS, mobility.centre_id)
    if mobility.status not in AFTER_RETURN:
        raise ValidationError(_("Recognition is decided after the learner's return."))
    allowed = {u.pk: u for u in recognition_units(mobility=mobility)}
    today = timezone.localdate()
    errors: dict[str, str] = {}
    for row in decisions:
        unit = row["unit"]
        if unit.pk not in allowed:
            errors[f"unit-{unit.pk}"] = _("This unit is not part of the mobility.")
            continue
        decided_on: date | None = row.get("decided_on")
        if row.get("decision"):
            if row["decision"] not in RecognitionDecision.values:
                errors[f"unit-{unit.pk}"] = _("Choose recognised or not recognised.")
            elif decided_on is None:
                errors[f"unit-{unit.pk}"] = _("%(unit)s: give the date of the decision.") % {
                    "unit": unit.code
                }
            elif decided_on > today:
                errors[f"unit-{unit.pk}"] = _("%(unit)s: the decision cannot be dated in the future.") % {
                    "unit": unit.code
                }
            elif decided_on < mobility.start:
                errors[f"unit-{unit.pk}"] = _("%(unit)s: the decision is dated before the mobility.") % {
                    "unit": unit.code
                }
    if errors:
        raise ValidationError(errors)
    saved: list[Recognition] = []
    with transaction.atomic():
        Mobility.objects.select_for_update(of=("self",)).filter(pk=mobility.pk).first()
        current = {r.unit_id: r for r in Recognition.objects.filter(mobility=mobility)}
        for row in decisions:
            unit, decision = row["unit"], row.get("decision") or ""
            existing = current.get(unit.pk)
            if not decision:
                if existing is not None:
                    audit_record(
                        action="recognition.withdraw",
                        actor=acting_user,
                        target=existing,
                        centre_id=mobility.centre_id,
                        data={"unit": unit.pk},
                        request=request,
                    )
                    existing.delete()
                continue
            comment = (row.get("comment") or "").strip()
            if existing is not None and (existing.decision, existing.decided_on, existing.comment) == (
                decision,
                row["decided_on"],
                comment,
            ):
                saved.append(existing)
                continue
            before = existing.decision if existing else None
            recognition = existing or Recognition(mobility=mobility, unit=unit)
            recognition.decision = decision
            recognition.decided_on = row["decided_on"]
            recognition.comment = comment
            recognition.decided_by = acting_user
            recognition.full_clean()
            recognition.save()
            audit_record(
                action="recognition.record",
                actor=acting_user,
                target=recognition,
                centre_id=mobility.centre_id,
                data={"unit": unit.pk, "decision": [before, decision]},
                request=request,
            )
            saved.append(recognition)
    return saved


# --- Reminders ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Pending:
    kind: str
    due: date
    since: Any  # reminders sent before this moment belong to an earlier round


def tutor_pending(*, link: AccessLink, mobility: Mobility, evaluation: Evaluation | None,
                  confirmation: HostConfirmation | None) -> Pending | None:  # fmt: skip
    """What the tutor still owes: the evaluation once the placement runs, the confirmation before."""
    if mobility.status in EVALUABLE:
        if evaluation is None or evaluation.status == EvaluationStatus.DRAFT:
            due = mobility.evaluation_due or mobility.planned_end + timedelta(days=14)
            return Pending(ReminderKind.EVALUATION, due, None)
        if evaluation.status == EvaluationStatus.RETURNED and evaluation.reviewed_at:
            return Pending(
                ReminderKind.EVALUATION, timezone.localdate(evaluation.reviewed_at), evaluation.reviewed_at
            )
        return None
    if mobility.status in (MobilityStatus.PLANNED, MobilityStatus.CONFIRMED):
        if confirmation is not None and confirmation.holds_for(mobility):
            return None
        if confirmation is not None and not confirmation.dates_confirmed:
            return None  # the tutor answered with other dates: the referent's move
        invited = timezone.localdate(link.created_at)
        due = min(invited + timedelta(days=CONFIRMATION_DAYS), mobility.planned_start)
        return Pending(ReminderKind.CONFIRMATION, due, None)
    return None


REMINDER_TEMPLATES: dict[str, str] = {
    ReminderKind.CONFIRMATION: "tutor_reminder_confirmation",
    ReminderKind.EVALUATION: "tutor_reminder_evaluation",
}


def _reminder_send(
    *, link: AccessLink, pending: Pending, manual: bool, today: date, sent_by: User | None
) -> GuestReminder:
    message = guests.link_send(
        link=link,
        kind=f"guest.reminder.{pending.kind}",
        template=REMINDER_TEMPLATES[pending.kind],
        sent_by=sent_by,
        context={"due": pending.due, "evaluation_due": link.mobility.evaluation_due},
    )
    return GuestReminder.objects.create(
        link=link, kind=pending.kind, manual=manual, sent_on=today, sent_by=sent_by, email=message
    )


def reminders_send_due(*, today: date | None = None) -> int:
    """Daily: reminds tutors who have not confirmed or evaluated, ``REMINDER_OFFSETS`` days after the
    due date; at most one reminder a day per link (a referent's own reminder counts), none after
    submission."""
    today = today or timezone.localdate()
    sent = 0
    links = (
        AccessLink.objects.filter(
            role=GuestRole.TUTOR, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .filter(mobility__status__in=[*EVALUABLE, MobilityStatus.PLANNED, MobilityStatus.CONFIRMED])
        .values_list("pk", flat=True)
    )
    for link_id in list(links):
        try:
            if _remind_one(link_id=link_id, today=today):
                sent += 1
        except IntegrityError:
            logger.info("reminder for link %s already sent today", link_id)
    return sent


def _remind_one(*, link_id: int, today: date) -> bool:
    with transaction.atomic():
        link = (
            AccessLink.objects.select_for_update(of=("self",))
            .select_related("mobility", "mobility__participant", "mobility__centre", "contact")
            .get(pk=link_id)
        )
        mobility = link.mobility
        if not link.is_usable or link.contact_id != mobility.host_tutor_id:
            return False
        pending = tutor_pending(
            link=link,
            mobility=mobility,
            evaluation=Evaluation.objects.filter(mobility=mobility, kind=EvaluationKind.TUTOR).first(),
            confirmation=HostConfirmation.objects.filter(mobility=mobility).first(),
        )
        if pending is None:
            return False
        reached = sum(1 for offset in REMINDER_OFFSETS if today >= pending.due + timedelta(days=offset))
        if reached == 0:
            return False
        earlier = GuestReminder.objects.filter(link=link, kind=pending.kind, manual=False)
        if pending.since is not None:
            earlier = earlier.filter(sent_at__gte=pending.since)
        if earlier.count() >= reached:
            return False
        if GuestReminder.objects.filter(link=link, sent_on=today).exists():
            return False
        _reminder_send(link=link, pending=pending, manual=False, today=today, sent_by=None)
        audit_record(
            action="reminder.send",
            actor_label="platform",
            target=link,
            centre_id=mobility.centre_id,
            data={"kind": pending.kind},
        )
    return True


def reminder_send_manual(
    *, mobility: Mobility, acting_user: User, request: HttpRequest | None = None
) -> GuestReminder:
    """A referent reminds the tutor now (the e-mail carries the tutor's link)."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    with transaction.atomic():
        mobility = guests._lock_mobility(mobility)
        link = guests.live_link(mobility=mobility, role=GuestRole.TUTOR)
        if link is None or not link.is_usable or link.contact_id != mobility.host_tutor_id:
            raise ValidationError(_("The tutor has no valid link: send the invitation first."))
        pending = tutor_pending(
            link=link,
            mobility=mobility,
            evaluation=Evaluation.objects.filter(mobility=mobility, kind=EvaluationKind.TUTOR).first(),
            confirmation=HostConfirmation.objects.filter(mobility=mobility).first(),
        )
        if pending is None:
            raise ValidationError(_("The tutor has nothing to do at the moment: no reminder needed."))
        reminder = _reminder_send(
            link=link, pending=pending, manual=True, today=timezone.localdate(), sent_by=acting_user
        )
        audit_record(
            action="reminder.send_manual",
            actor=acting_user,
            target=link,
            centre_id=mobility.centre_id,
            data={"kind": pending.kind},
            request=request,
        )
    return reminder


# --- Keeping statuses in step ----------------------------------------------------------------------
def evaluated_mobilities_follow() -> int:
    """Completed mobilities whose tutor evaluation was validated while they were still running."""
    from .services import TransitionError, mobility_transition

    moved = 0
    ids = Mobility.objects.filter(
        Q(status=MobilityStatus.COMPLETED) | Q(status=MobilityStatus.INTERRUPTED),
        evaluations__kind=EvaluationKind.TUTOR,
        evaluations__status=EvaluationStatus.VALIDATED,
    ).values_list("pk", flat=True)
    for pk in list(ids):
        try:
            mobility_transition(
                mobility=Mobility(pk=pk), to_status=MobilityStatus.EVALUATED, acting_user=None, system=True
            )
            moved += 1
        except (TransitionError, ValidationError):
            logger.info("mobility %s could not move to evaluated", pk)
    return moved
