"""The mobility's incidents on its page."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from mobility.care import selectors
from mobility.mobilities.models import Mobility
from partners import panels
from partners.accounts.access import get_access
from partners.accounts.roles import Capability


@panels.register("mobility_detail", order=35)
def incidents_panel(request: HttpRequest, mobility: Mobility) -> str | None:
    if not get_access(request.user).can(Capability.VIEW, mobility.centre_id):
        return None
    incidents = list(selectors.incidents_of(mobility=mobility)[:5])
    return render_to_string(
        "care/_panel_mobility.html", {"mobility": mobility, "incidents": incidents}, request=request
    )
