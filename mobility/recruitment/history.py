"""The audit entries of an application, told in words a referent reads (the log stores codes)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mobility.mobilities.history import HistoryLine
from mobility.recruitment.models import Answer, AppealOutcome, Application, ApplicationStatus
from partners.audit.models import AuditEntry


def _label(choices: Any, code: Any) -> str:
    try:
        return str(choices(str(code or "")).label)
    except ValueError:
        return str(code or "")


def application_history(*, application: Application, limit: int = 200) -> list[AuditEntry]:
    """Every audit entry naming the application (its own centre's log only)."""
    return list(
        AuditEntry.objects.filter(
            target_type=Application._meta.label,
            target_id=str(application.pk),
            centre_id=application.centre_id,
        )
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )


def describe(entries: list[AuditEntry]) -> list[HistoryLine]:
    lines = []
    for entry in entries:
        data = entry.data or {}
        action = entry.action
        if action == "application.start":
            text = _("Application started")
        elif action == "application.submit":
            text = _("Application submitted")
        elif action in ("application.employer_answer", "application.guardian_answer"):
            answer = _label(Answer, data.get("answer")).lower()
            text = (
                _("Employer's agreement: %(answer)s")
                if action == "application.employer_answer"
                else _("Guardian's agreement: %(answer)s")
            ) % {"answer": answer}
        elif action == "application.score":
            text = _("Scored: %(points)s points for “%(criterion)s”") % {
                "points": data.get("points", "?"),
                "criterion": data.get("criterion", ""),
            }
        elif action == "application.decide":
            text = _("Decision: %(to)s (was “%(from)s”)") % {
                "to": _label(ApplicationStatus, data.get("to")),
                "from": _label(ApplicationStatus, data.get("from")),
            }
        elif action == "application.appeal":
            text = _("Appeal made")
        elif action == "application.appeal_decide":
            text = _("Appeal decided (%(outcome)s)") % {
                "outcome": _label(AppealOutcome, data.get("outcome")).lower()
            }
        elif action == "application.to_mobility":
            text = _("Mobility planned from the application")
        else:
            text = action.replace(".", " · ").replace("_", " ")
        lines.append(
            HistoryLine(
                at=entry.at,
                actor=entry.actor_label or (str(entry.actor) if entry.actor_id else _("the platform")),
                text=text,
                action=action,
            )
        )
    return lines
