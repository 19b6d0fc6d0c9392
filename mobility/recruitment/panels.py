"""The open calls a learner may apply to, in their learner space (the guest's mobility page)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from mobility.guests.models import GuestRole
from mobility.recruitment import selectors
from partners import panels


@panels.register("guest_mobility", order=60)
def guest_calls_panel(request: HttpRequest, grant: Any) -> str | None:
    """Open calls of the learner's centre they are eligible for, each with its link to apply."""
    if grant.role != GuestRole.LEARNER or grant.learner is None:
        return None
    calls = selectors.open_calls_for_learner(learner=grant.learner, day=timezone.localdate())
    if not calls:
        return None
    language = translation.get_language() or ""
    return render_to_string(
        "recruitment/_panel_guest_calls.html",
        {"rows": [(call, call.text(language)[0]) for call in calls]},
        request=request,
    )
