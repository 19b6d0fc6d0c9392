"""Quality labels ending within 60 days, on the dashboard (like agreements)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from partners import panels
from partners.accounts.access import get_access
from partners.quality import selectors
from partners.quality.models import LABEL_NOTICE_DAYS


@panels.register("dashboard", order=82)
def expiring_labels(request: HttpRequest, user: Any) -> str | None:
    if not get_access(request.user).is_member:
        return None
    labels = list(selectors.labels_expiring_for_user(user=request.user)[:10])
    if not labels:
        return None
    return render_to_string(
        "partners/_expiring_labels_panel.html",
        {"labels": labels, "notice_days": LABEL_NOTICE_DAYS},
        request=request,
    )
