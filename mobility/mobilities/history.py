"""The audit entries of a mobility, told in words a referent reads (the log stores codes and ids)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from mobility.agreements.models import Party, SignatureMethod
from mobility.mobilities.models import Mobility, MobilityStatus
from partners.audit.models import AuditEntry


@dataclass
class HistoryLine:
    at: datetime
    actor: str
    text: str
    action: str


def _field_labels(names: list[str]) -> str:
    labels = []
    for name in names:
        try:
            labels.append(str(getattr(Mobility._meta.get_field(name), "verbose_name", name)))
        except Exception:  # a field since removed: its name is still worth showing
            labels.append(name.replace("_", " "))
    return ", ".join(labels)


def _status(code: Any) -> str:
    try:
        return str(MobilityStatus(code).label)
    except ValueError:
        return str(code)


def _severity(code: Any) -> str:
    from mobility.care.models import Severity

    try:
        return str(Severity(str(code)).label).lower()
    except ValueError:
        return str(code or "")


def describe(
    entries: list[AuditEntry],
    *,
    checklist: dict[str, Any],
    document_types: dict[str, str],
) -> list[HistoryLine]:
    lines = []
    for entry in entries:
        data = entry.data or {}
        action = entry.action
        if action == "mobility.create":
            text = _("Mobility created")
        elif action == "mobility.transition":
            before, after = (data.get("status") or ["", ""])[:2]
            text = _("Status changed from “%(from)s” to “%(to)s”") % {
                "from": _status(before),
                "to": _status(after),
            }
            if data.get("force_majeure"):
                text += " — " + _("force majeure")
        elif action == "mobility.update":
            text = _("Details changed: %(fields)s") % {
                "fields": _field_labels(list(data.get("changes") or {}))
            }
        elif action == "agreement.update":
            text = _("Learning agreement version %(v)s edited") % {"v": data.get("version", "?")}
        elif action == "agreement.new_version":
            text = _("Learning agreement version %(v)s written") % {"v": data.get("version", "?")}
        elif action == "agreement.sign":
            try:
                party = str(Party(str(data.get("party"))).label)
            except ValueError:
                party = str(data.get("party"))
            method = (
                _("signed outside the platform, scan uploaded")
                if data.get("method") == SignatureMethod.OUTSIDE
                else _("signed in the platform")
            )
            text = _("Learning agreement version %(v)s signed for the %(party)s (%(method)s)") % {
                "v": data.get("version", "?"),
                "party": party.lower(),
                "method": method,
            }
        elif action in ("document.upload", "document.delete"):
            kind = document_types.get(data.get("type", ""), data.get("type", ""))
            text = (
                _("Document uploaded: %(type)s")
                if action == "document.upload"
                else _("Document deleted: %(type)s")
            ) % {"type": kind}
        elif action in ("checklist.done", "checklist.undone", "checklist.add"):
            item = checklist.get(entry.target_id)
            title = item.display_title if item is not None else "#" + entry.target_id
            text = {
                "checklist.done": _("Task done: %(task)s"),
                "checklist.undone": _("Task reopened: %(task)s"),
                "checklist.add": _("Task added: %(task)s"),
            }[action] % {"task": title}
        elif action == "followup.record":
            text = _("Follow-up recorded")
        elif action in ("incident.record", "incident.update", "incident.close"):
            text = {
                "incident.record": _("Incident recorded (%(severity)s)"),
                "incident.update": _("Incident followed up (%(severity)s)"),
                "incident.close": _("Incident closed (%(severity)s)"),
            }[action] % {"severity": _severity(data.get("severity"))}
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
