"""Writing the audit log. Every service calls ``audit_record``; nothing updates or deletes entries."""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .http import client_ip
from .models import AuditEntry, User

logger = logging.getLogger(__name__)

#: Fields whose values may be copied into the audit log (no personal data: names, dates of birth,
#: contact details and free text are recorded by field name only).
AUDITABLE_VALUES = frozenset(
    {
        "status",
        "role",
        "is_active",
        "kind",
        "version",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "activity_type",
        "host_organisation",
        "host_tutor",
        "project",
        "decision",
        "state",
    }
)


def _label(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple):
        return [_label(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _label(v) for k, v in value.items()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The audit form of a change: values for auditable fields, the bare field name for the rest."""
    changed: dict[str, Any] = {}
    for name, new in after.items():
        old = before.get(name)
        if old == new:
            continue
        if name in AUDITABLE_VALUES:
            changed[name] = [_label(old), _label(new)]
        else:
            changed[name] = None
    return changed


def audit_record(
    *,
    action: str,
    actor: User | AnonymousUser | None = None,
    actor_label: str = "",
    target: models.Model | None = None,
    target_type: str = "",
    target_id: Any = "",
    centre_id: int | None = None,
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Appends one entry. ``target`` names the object (type and id only, never its content)."""
    if target is not None:
        target_type = target_type or target._meta.label
        target_id = target_id or target.pk
    person = actor if isinstance(actor, User) and actor.is_authenticated else None
    return AuditEntry.objects.create(
        action=action,
        actor=person,
        actor_label=(actor_label or (str(person) if person else ""))[:200],
        target_type=target_type,
        target_id=str(target_id or ""),
        centre_id=centre_id,
        data={k: _label(v) for k, v in (data or {}).items()},
        ip=client_ip(request),
    )


def audit_denied(
    *,
    request: HttpRequest | None,
    status: int,
    target_type: str = "",
    target_id: Any = "",
) -> AuditEntry | None:
    """Records a refused access (403, or 404 for another tenant's object). Never breaks the response."""
    user = getattr(request, "user", None) if request is not None else None
    try:
        return audit_record(
            action="access.denied",
            actor=user,
            target_type=target_type,
            target_id=target_id,
            data={"status": status, "path": (request.path[:300] if request is not None else "")},
            request=request,
        )
    except Exception:  # the audit must not turn a 403 into a 500
        logger.warning("could not record a denied access", exc_info=True)
        return None


#: How history lists name an action. Apps above add theirs (``ACTION_LABELS.update(...)``).
ACTION_LABELS: dict[str, Any] = {
    "organisation.create": _("created"),
    "organisation.update": _("edited"),
    "organisation.merge": _("merged with a duplicate record"),
    "organisation.merged_away": _("merged into another record"),
    "contact.create": _("created"),
    "contact.update": _("edited"),
    "contact.delete": _("removed"),
    "agreement.create": _("created"),
    "agreement.update": _("edited"),
    "agreement.download": _("signed copy downloaded"),
    "admin.add": _("created in the administration site"),
    "admin.change": _("edited in the administration site"),
    "admin.delete": _("deleted in the administration site"),
    "invitation.create": _("invited"),
    "invitation.resend": _("invitation sent again"),
    "invitation.revoke": _("invitation withdrawn"),
    "invitation.replace": _("invitation replaced"),
    "invitation.accept": _("invitation accepted"),
    "membership.role": _("role changed"),
    "membership.deactivate": _("deactivated"),
    "membership.reactivate": _("reactivated"),
    "user.deactivate": _("account deactivated"),
    "user.reactivate": _("account reactivated"),
    "user.sessions_end": _("sessions ended"),
    "user.profile": _("profile edited"),
    "auth.login": _("logged in"),
    "auth.logout": _("logged out"),
    "auth.login_failed": _("failed login"),
    "access.denied": _("access denied"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
