"""The referent's first page: what leaves soon, who is abroad, what is late or awaited."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from partners.access import get_access
from partners.roles import Capability

from .. import selectors


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    access = get_access(request.user)
    context = {"is_member": access.can(Capability.VIEW)}
    if context["is_member"]:
        context.update(selectors.dashboard_for_user(user=request.user))
        context["can_manage"] = access.can(Capability.MANAGE_LEARNERS)
    return render(request, "mobility/dashboard.html", context)
