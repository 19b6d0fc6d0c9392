"""The organisation pickers of every form (hosts, intermediaries, employers, agreement partners): at
most twenty matches as one types, as JSON, among the organisations of the user's networks only.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from partners.accounts.access import get_access
from partners.accounts.roles import Capability
from partners.directory import selectors
from partners.directory.forms import organisation_label
from partners.directory.models import OrganisationKind
from partners.pages import AuthedRequest

#: How many matches a picker shows; typing more narrows them.
RESULTS = 20

#: The organisations each picker offers; any other ``kind``: every organisation the user may see.
KINDS: dict[str, tuple[str, ...]] = {
    "host": (
        OrganisationKind.HOST_COMPANY,
        OrganisationKind.PARTNER_SCHOOL,
        OrganisationKind.TRAINING_CENTRE,
    ),
    "intermediary": (OrganisationKind.INTERMEDIARY,),
    "employer": (OrganisationKind.SENDING_EMPLOYER,),
}


@login_required
@require_GET
def organisation_picker(request: AuthedRequest) -> JsonResponse:
    if not get_access(request.user).can(Capability.VIEW):
        raise PermissionDenied
    found = selectors.organisation_search_for_user(
        user=request.user,
        q=request.GET.get("q", ""),
        kinds=KINDS.get(request.GET.get("kind", "")),
        limit=RESULTS + 1,
    )
    rows = [{"id": o.pk, "label": organisation_label(o), "detail": o.get_kind_display()} for o in found]
    return JsonResponse({"results": rows[:RESULTS], "more": len(rows) > RESULTS})
