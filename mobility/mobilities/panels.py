"""Sections the mobility domain adds to the pages of the base layer (registered in ``apps.ready``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from mobility.mobilities import selectors
from partners import panels
from partners.accounts.access import get_access
from partners.accounts.roles import Capability


@panels.register("organisation_detail", order=20)
def hosted_mobilities(request: HttpRequest, organisation: Any) -> str | None:
    """On a partner's page: the mobilities of the user's centres that it hosts."""
    user = getattr(request, "user", None)
    if not get_access(user).can(Capability.VIEW):
        return None
    data = selectors.organisation_hosted_mobilities(user=user, organisation=organisation)
    return render_to_string(
        "mobility/_hosted_panel.html", {"organisation": organisation, **data}, request=request
    )
