"""How the history pages name each recorded action, in the reader's language."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

#: How history lists name an action. Apps above add theirs (``ACTION_LABELS.update(...)``).
ACTION_LABELS: dict[str, Any] = {
    "organisation.create": _("created"),
    "organisation.update": _("edited"),
    "organisation.merge": _("merged with a duplicate record"),
    "organisation.merged_away": _("merged into another record"),
    "contact.create": _("created"),
    "contact.update": _("edited"),
    "contact.delete": _("removed"),
    # an agreement is feminine in French ("convention créée"): its own context
    "agreement.create": pgettext_lazy("agreement history", "created"),
    "agreement.update": pgettext_lazy("agreement history", "edited"),
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
