"""The audit entries of a mobility, told in words a referent reads (the log stores codes and ids)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from mobility.agreements.models import Party, SignatureMethod
from mobility.mobilities.models import Mobility, MobilityStatus
from mobility.site.i18n import language_name
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


#: Entries told by one whole sentence each (no piece of a sentence is put into another).
_SENTENCES = {
    "agreement.create": lambda: _("Learning agreement written"),
    "placement.confirm": lambda: _("The host organisation confirmed the dates of the placement"),
    "placement.other_dates": lambda: _("The host organisation asked for other dates"),
    "placement_check.save": lambda: _("Quality check of the placement recorded"),
    "report.send": lambda: _("Participant report sent to the learner"),
    "report.remind": lambda: _("Reminder of the participant report sent to the learner"),
    "report.answer": lambda: _("Participant report answered"),
    "document.download": lambda: _("Document downloaded"),
    "document.expire": lambda: _("Document deleted at the end of its retention period"),
    "signature.download": lambda: _("Signature scan downloaded"),
    "employer_feedback.submit": lambda: _("The sending employer gave their feedback"),
    "followup.update": lambda: _("Follow-up changed"),
}

#: Evaluation entries, one whole sentence per kind and action.
_EVALUATION_SENTENCES = {
    ("evaluation.save", "tutor"): lambda: _("The host tutor's evaluation was saved"),
    ("evaluation.save", "self"): lambda: _("The learner's self-assessment was saved"),
    ("evaluation.save", ""): lambda: _("An evaluation was saved"),
    ("evaluation.submit", "tutor"): lambda: _("The host tutor's evaluation was submitted"),
    ("evaluation.submit", "self"): lambda: _("The learner's self-assessment was submitted"),
    ("evaluation.submit", ""): lambda: _("An evaluation was submitted"),
    ("evaluation.validate", "tutor"): lambda: _("The host tutor's evaluation was validated"),
    ("evaluation.validate", "self"): lambda: _("The learner's self-assessment was validated"),
    ("evaluation.validate", ""): lambda: _("An evaluation was validated"),
    ("evaluation.send_back", "tutor"): lambda: _("The host tutor's evaluation was sent back for changes"),
    ("evaluation.send_back", "self"): lambda: _("The learner's self-assessment was sent back for changes"),
    ("evaluation.send_back", ""): lambda: _("An evaluation was sent back for changes"),
}

#: Who acted, as services record it in the platform's base language (see ``Grant.label``).
_ACTORS = {
    "platform": lambda: _("the platform"),
    "retention": lambda: _("the platform (retention periods)"),
    "command line": lambda: _("an operator (command line)"),
    "operator": lambda: _("an operator (command line)"),
}


def _guest_roles() -> dict[str, Any]:
    from django.conf import settings
    from django.utils import translation

    from mobility.guests.models import GuestRole

    with translation.override(settings.LANGUAGE_CODE):
        return {str(role.label): role for role in GuestRole}


def actor_text(entry: AuditEntry) -> str:
    """Who acted, in the reader's language: "Paul Weber, host tutor", not "Paul Weber (Host tutor)"."""
    if entry.actor_id and not entry.actor_label:
        return str(entry.actor)
    label = entry.actor_label or ""
    if not label:
        return _("the platform")
    if label in _ACTORS:
        return str(_ACTORS[label]())
    roles = _guest_roles()
    if label in roles:
        return {
            "tutor": _("the host tutor"),
            "learner": _("the learner"),
            "employer": _("the sending employer"),
        }[roles[label].value]
    if label.endswith(")") and " (" in label:
        name, role = label[:-1].rsplit(" (", 1)
        if role in roles:
            return {
                "tutor": _("%(name)s, host tutor"),
                "learner": _("%(name)s, learner"),
                "employer": _("%(name)s, sending employer"),
            }[roles[role].value] % {"name": name}
    return label


def describe(
    entries: list[AuditEntry],
    *,
    checklist: dict[str, Any],
    document_types: dict[str, str],
    evaluations: dict[str, str] | None = None,
) -> list[HistoryLine]:
    """``evaluations``: the kind of each of the mobility's evaluations, by id."""
    lines = []
    for entry in entries:
        data = entry.data or {}
        action = entry.action
        if action in _SENTENCES:
            text = str(_SENTENCES[action]())
        elif action.startswith("evaluation."):
            kind = str(data.get("kind") or (evaluations or {}).get(entry.target_id, ""))
            sentence = _EVALUATION_SENTENCES.get((action, kind)) or _EVALUATION_SENTENCES.get((action, ""))
            text = str(sentence()) if sentence else _("Evaluation changed")
        elif action == "mobility.create":
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
        elif action in ("agreement.translate", "agreement.translation_remove"):
            text = (
                _("Learning agreement version %(v)s translated into %(language)s")
                if action == "agreement.translate"
                else _("Translation of the learning agreement version %(v)s into %(language)s removed")
            ) % {"v": data.get("version", "?"), "language": language_name(str(data.get("language") or ""))}
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
            # an entry no sentence is written for yet: said plainly, never as a code
            text = _("Change recorded in the log")
        lines.append(
            HistoryLine(
                at=entry.at,
                actor=actor_text(entry),
                text=text,
                action=action,
            )
        )
    return lines
