"""The participant's end-of-stay report: sent by their link on the end date, reminded, answered once."""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.guests.models import GuestRole
from mobility.guests.services import links as guests
from mobility.mobilities.models import Mobility
from mobility.quality.models import (
    RATING_MAX,
    ParticipantReport,
    QuestionKind,
    ReportAnswer,
    ReportQuestion,
)
from mobility.quality.selectors import REPORTABLE, report_is_open, report_questions_for
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record

logger = logging.getLogger(__name__)

#: Reminders go this many days after the questionnaire was sent (at most one a day, none once answered).
REPORT_REMINDER_OFFSETS: tuple[int, ...] = tuple(getattr(settings, "REPORT_REMINDER_OFFSETS", (4, 11)))

#: Stays that ended longer ago than this are not sent a questionnaire by the daily run.
REPORT_SEND_WINDOW_DAYS = 30

TEMPLATE = "participant_report"
REMINDER_TEMPLATE = "participant_report_reminder"


# --- Sending and reminding ------------------------------------------------------------------------
def _send(*, mobility: Mobility, reminder: bool, sent_by: User | None) -> ParticipantReport | None:
    """Inside a transaction holding the mobility's lock: the e-mail with the participant's link."""
    try:
        link, _created = guests._ensure_link(mobility=mobility, role=GuestRole.LEARNER, created_by=sent_by)
    except ValidationError:
        return None
    report = ParticipantReport.objects.select_for_update().filter(mobility=mobility).first()
    if report is None:
        report = ParticipantReport.objects.create(mobility=mobility, link=link)
    elif report.answered_at is not None:
        return report
    else:
        report.link = link
        report.reminders_sent += 1 if reminder else 0
        report.last_reminded_on = timezone.localdate() if reminder else report.last_reminded_on
        report.save(update_fields=["link", "reminders_sent", "last_reminded_on"])
    guests.link_send(
        link=link,
        kind="quality.report.reminder" if reminder else "quality.report",
        template=REMINDER_TEMPLATE if reminder else TEMPLATE,
        sent_by=sent_by,
    )
    return report


def reports_send_due(*, today: date | None = None) -> dict[str, int]:
    """Daily: questionnaires to participants whose stay ended (recently), reminders to those who have
    not answered ``REPORT_REMINDER_OFFSETS`` days after."""
    today = today or timezone.localdate()
    counts = {"sent": 0, "reminded": 0}
    due = (
        Mobility.objects.filter(status__in=REPORTABLE, participant_report__isnull=True)
        .exclude(participant__email="")
        .filter(
            planned_end__lte=today,
            planned_end__gte=today - timedelta(days=REPORT_SEND_WINDOW_DAYS),
        )
        .values_list("pk", flat=True)
    )
    for pk in list(due):
        with transaction.atomic():
            mobility = guests.lock_mobility(Mobility(pk=pk))
            if not report_is_open(mobility=mobility, today=today) or hasattr(mobility, "participant_report"):
                continue
            if ParticipantReport.objects.filter(mobility=mobility).exists():
                continue
            if _send(mobility=mobility, reminder=False, sent_by=None) is not None:
                audit_record(action="report.send", actor_label="platform", target=mobility,
                             centre_id=mobility.centre_id)  # fmt: skip
                counts["sent"] += 1
    open_reports = ParticipantReport.objects.filter(answered_at__isnull=True).values_list(
        "pk", "mobility_id", "sent_at", "reminders_sent", "last_reminded_on"
    )
    for _pk, mobility_id, sent_at, reminders, last in list(open_reports):
        reached = sum(
            1 for o in REPORT_REMINDER_OFFSETS if today >= timezone.localdate(sent_at) + timedelta(days=o)
        )
        if reminders >= reached or last == today:
            continue
        with transaction.atomic():
            mobility = guests.lock_mobility(Mobility(pk=mobility_id))
            report = _send(mobility=mobility, reminder=True, sent_by=None)
            if report is not None and report.answered_at is None:
                audit_record(action="report.remind", actor_label="platform", target=mobility,
                             centre_id=mobility.centre_id)  # fmt: skip
                counts["reminded"] += 1
    return counts


def report_send_now(
    *, mobility: Mobility, acting_user: User, request: HttpRequest | None = None
) -> ParticipantReport:
    """A referent sends the questionnaire (or a reminder) now."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    if not report_is_open(mobility=mobility):
        raise ValidationError(_("The questionnaire opens on the last day of the stay."))
    with transaction.atomic():
        mobility = guests.lock_mobility(mobility)
        existing = ParticipantReport.objects.filter(mobility=mobility).first()
        if existing is not None and existing.answered_at is not None:
            raise ValidationError(_("The participant has already answered the questionnaire."))
        report = _send(mobility=mobility, reminder=existing is not None, sent_by=acting_user)
        if report is None:
            raise ValidationError(
                _("%(name)s has no e-mail address: add it to the learner first.")
                % {"name": mobility.participant.full_name}
            )
        audit_record(action="report.remind" if existing else "report.send", actor=acting_user,
                     target=mobility, centre_id=mobility.centre_id, request=request)  # fmt: skip
    return report


# --- Answering ------------------------------------------------------------------------------------
def _clean_value(question: ReportQuestion, raw: Any) -> dict[str, Any] | None:
    """The answer's fields, or None when empty; a ValidationError naming the question otherwise."""
    value = "" if raw is None else str(raw).strip()
    if value == "":
        if question.required:
            raise ValidationError({f"q{question.pk}": _("Answer this question.")})
        return None
    if question.kind == QuestionKind.RATING:
        if not value.isdigit() or not 1 <= int(value) <= RATING_MAX:
            raise ValidationError(
                {f"q{question.pk}": _("Choose a rating from 1 to %(max)s.") % {"max": RATING_MAX}}
            )
        return {"rating": int(value)}
    if question.kind == QuestionKind.YES_NO:
        if value not in ("yes", "no"):
            raise ValidationError({f"q{question.pk}": _("Answer yes or no.")})
        return {"yes_no": value == "yes"}
    if len(value) > 4000:
        raise ValidationError({f"q{question.pk}": _("Keep the comment under 4,000 characters.")})
    return {"text": value}


def report_submit(
    *,
    mobility: Mobility,
    grant: Any,
    answers: dict[str, Any],
    language: str,
    request: HttpRequest | None = None,
) -> ParticipantReport:
    """The participant's answers, all or nothing; one answer per participant, only after the end date,
    only while their link is valid. ``answers`` maps ``q<question id>`` to the submitted value."""
    if grant.role != GuestRole.LEARNER:
        raise ValidationError(_("Only the participant answers this questionnaire."))
    if grant.link is not None and not grant.link.is_usable:
        raise ValidationError(_("Your link has expired: ask the training centre for a new one."))
    if not report_is_open(mobility=mobility):
        raise ValidationError(_("The questionnaire opens on the last day of your stay."))
    questions = report_questions_for(mobility=mobility)
    errors: dict[str, list[str]] = {}
    cleaned: list[tuple[ReportQuestion, dict[str, Any]]] = []
    for question in questions:
        try:
            fields = _clean_value(question, answers.get(f"q{question.pk}"))
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                errors.setdefault(key, []).extend(messages)
            continue
        if fields is not None:
            cleaned.append((question, fields))
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        mobility = guests.lock_mobility(mobility)
        report = ParticipantReport.objects.select_for_update().filter(mobility=mobility).first()
        if report is not None and report.answered_at is not None:
            raise ValidationError(_("You have already answered this questionnaire: thank you."))
        if report is None:
            report = ParticipantReport.objects.create(mobility=mobility, link=grant.link)
        ReportAnswer.objects.bulk_create([ReportAnswer(report=report, question=q, **f) for q, f in cleaned])
        report.answered_at = timezone.now()
        report.language = (language or "")[:10]
        report.save(update_fields=["answered_at", "language"])
        audit_record(action="report.answer", actor_label=grant.label, target=mobility,
                     centre_id=mobility.centre_id, request=request)  # fmt: skip
    return report
