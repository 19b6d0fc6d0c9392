"""What the searchable pickers of the referent's forms ask for as one types: at most twenty matches,
as JSON, scoped like the forms that will check the chosen value again when it is posted.

Contacts: of one organisation of the user's networks. Learners: of the centres where the user plans
mobilities, and only those. (Organisations: ``partners.directory.views.pickers``.)
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from mobility.catalogue.models import ParticipantKind
from mobility.groups import selectors as groups_selectors
from mobility.learners import selectors as learners_selectors
from mobility.mobilities import selectors
from mobility.site.forms import contact_label, member_label, participant_label
from mobility.site.staff import AuthenticatedRequest, manageable_centre_ids, staff_required

#: How many matches a picker shows; typing more narrows them.
RESULTS = 20


def _answer(rows: list[dict[str, Any]]) -> JsonResponse:
    return JsonResponse({"results": rows[:RESULTS], "more": len(rows) > RESULTS})


@staff_required
@require_GET
def picker_contacts(request: AuthenticatedRequest) -> JsonResponse:
    found = selectors.contact_search_for_user(
        user=request.user,
        organisation_id=request.GET.get("organisation"),
        q=request.GET.get("q", ""),
        tutors_only=request.GET.get("role") == "tutor",
        limit=RESULTS + 1,
    )
    return _answer([{"id": c.pk, "label": contact_label(c), "detail": c.email} for c in found])


def _ids(raw: str) -> set[int]:
    return {int(part) for part in raw.split(",") if part.strip().isdigit()}


@staff_required
@require_GET
def picker_learners(request: AuthenticatedRequest) -> JsonResponse:
    """Learners of the centres the user plans for; ``centre`` narrows them, ``group`` leaves out its members."""
    centre_ids = set(manageable_centre_ids(request.user))
    if not centre_ids:
        raise PermissionDenied
    wanted = _ids(request.GET.get("centre", ""))
    if wanted:
        centre_ids &= wanted
    exclude: list[int] = []
    if request.GET.get("group"):
        group = groups_selectors.group_get_for_user(user=request.user, pk=request.GET["group"])
        centre_ids &= {group.centre_id}
        exclude = [m.participant_id for m in group.mobilities.all()]
    members = request.GET.get("kind") == ParticipantKind.LEARNER
    found = learners_selectors.learner_search_for_centres(
        centre_ids=centre_ids,
        q=request.GET.get("q", ""),
        kind=ParticipantKind.LEARNER if members else "",
        exclude_ids=exclude,
        limit=RESULTS + 1,
    )
    label = member_label if members else participant_label
    return _answer([{"id": learner.pk, "label": label(learner), "detail": ""} for learner in found])
