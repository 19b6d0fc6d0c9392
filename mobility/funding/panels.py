"""The grant section on a mobility's page (registered in ``apps.ready``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from mobility.catalogue.models import ParticipantKind
from mobility.funding import selectors
from mobility.funding.models import MobilityFunding
from mobility.mobilities.selectors import read_along
from partners import panels
from partners.accounts.access import get_access
from partners.accounts.roles import Capability


@panels.register("mobility_detail", order=60)
def mobility_grant(request: HttpRequest, mobility: Any) -> str | None:
    access = get_access(getattr(request, "user", None))
    if not access.can(Capability.VIEW, mobility.centre_id):
        return None
    # ``mobility`` is the page's, read through the scoped mobility selector.
    result = selectors.mobility_grant(mobility, funding=read_along(mobility, "funding", MobilityFunding))
    payments = list(result.funding.payments.all()) if result.funding and result.funding.pk else []
    signatures = list(result.funding.signatures.all()) if result.funding and result.funding.pk else []
    apprentice = (
        selectors.apprenticeship_check(mobility)
        if mobility.participant.kind == ParticipantKind.LEARNER
        else None
    )
    return render_to_string(
        "funding/_grant_panel.html",
        {
            "mobility": mobility,
            "result": result,
            "lines": [(line, selectors.line_label(line.code)) for line in result.grant.lines],
            "missing": [selectors.missing_label(code) for code in result.grant.missing],
            "payments": payments,
            "signatures": signatures,
            "apprentice": apprentice,
            "can_manage": access.can(Capability.MANAGE_LEARNERS, mobility.centre_id),
            "can_issue_documents": access.can(Capability.ISSUE_CERTIFICATES, mobility.centre_id),
        },
        request=request,
    )


@panels.register("project_detail", order=40)
def project_budget(request: HttpRequest, project: Any) -> str | None:
    access = get_access(getattr(request, "user", None))
    if not access.can(Capability.VIEW):
        return None
    # ``project`` is the page's, read through the scoped project selector.
    budget = selectors.project_budget(user=request.user, project=project)
    if not budget["lines"]:
        return None
    return render_to_string("funding/_budget_panel.html", {"project": project, **budget}, request=request)
