"""What the base layer puts on the dashboard (through the "dashboard" panel slot)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from partners import panels
from partners.accounts.access import get_access
from partners.agreements import selectors
from partners.agreements.models import EXPIRY_NOTICE_DAYS


@panels.register("dashboard", order=80)
def expiring_agreements(request: HttpRequest, user: Any) -> str | None:
    """Agreements ending within 60 days, for the staff of the centres that hold them."""
    if not get_access(request.user).is_member:
        return None
    agreements = list(selectors.agreement_expiring_for_user(user=request.user)[:10])
    if not agreements:
        return None
    return render_to_string(
        "partners/_expiring_panel.html",
        {"agreements": agreements, "notice_days": EXPIRY_NOTICE_DAYS},
        request=request,
    )
