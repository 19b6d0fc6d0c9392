"""The quality record of an organisation, as the user's centres know it: placements hosted by year and
trade, tutors' evaluations on time, learners' ratings, incidents, checklists, labels and status.
A fixed number of queries."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.care.models import Incident
from mobility.evaluations.models import Evaluation, EvaluationKind, GuestReminder
from mobility.mobilities.models import Mobility
from mobility.quality.models import CheckAnswer, CheckItem, PlacementCheck, PlacementCheckAnswer, ReportAnswer
from mobility.quality.selectors import REPORTABLE, networks_of
from partners.accounts.access import get_access, require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record
from partners.directory.models import Organisation
from partners.quality import selectors as partner_quality


def check_items_for(*, mobility: Mobility) -> list[CheckItem]:
    from django.db.models import Q

    return list(
        CheckItem.objects.filter(active=True)
        .filter(Q(network__isnull=True) | Q(network_id__in=networks_of(mobility.centre_id)))
        .order_by("order", "id")
    )


def quality_record(*, user: Any, organisation: Organisation) -> dict[str, Any]:
    centres = get_access(user).centre_ids
    mobilities = list(
        Mobility.objects.filter(centre_id__in=centres, host_organisation=organisation, status__in=REPORTABLE)
        .select_related("participant")
        .order_by("-planned_start")
    )
    ids = [m.pk for m in mobilities]
    by_year_trade = Counter((m.start.year, m.participant.trade or "–") for m in mobilities)
    evaluations = {
        e.mobility_id: e for e in Evaluation.objects.filter(mobility_id__in=ids, kind=EvaluationKind.TUTOR)
    }
    submitted = [
        (m, evaluations[m.pk]) for m in mobilities if m.pk in evaluations and evaluations[m.pk].submitted_at
    ]
    on_time = sum(
        1 for m, e in submitted
        if timezone.localdate(e.submitted_at) <= (m.evaluation_due or m.planned_end + timedelta(days=14))
    )  # fmt: skip
    reminders = GuestReminder.objects.filter(link__mobility_id__in=ids, link__role="tutor").count()
    ratings: dict[str, list] = defaultdict(list)
    for a in ReportAnswer.objects.filter(
        report__mobility_id__in=ids, report__answered_at__isnull=False, question__network__isnull=True
    ).values("question__code", "rating", "yes_no"):
        if a["rating"]:
            ratings[a["question__code"]].append(a["rating"])
        if a["yes_no"] is not None:
            ratings[a["question__code"]].append(a["yes_no"])
    overall = ratings.get("overall", [])
    recommend = ratings.get("recommend", [])
    incidents = list(Incident.objects.filter(mobility_id__in=ids).order_by("-occurred_on"))
    checks = list(
        PlacementCheck.objects.filter(organisation=organisation, mobility__centre_id__in=centres)
        .select_related("mobility", "filled_by")
        .prefetch_related("answers", "answers__item")
        .order_by("-filled_at")[:20]
    )
    item_yes: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for check in checks:
        for answer in check.answers.all():
            if answer.answer != CheckAnswer.NOT_APPLICABLE:
                item_yes[answer.item.label][1] += 1
                item_yes[answer.item.label][0] += answer.answer == CheckAnswer.YES
    return {
        "placements": len(mobilities),
        "by_year_trade": sorted(by_year_trade.items(), key=lambda kv: (-kv[0][0], kv[0][1])),
        "evaluations_submitted": len(submitted),
        "evaluations_on_time": on_time,
        "on_time_share": round(100 * on_time / len(submitted)) if submitted else None,
        "reminders": reminders,
        "ratings": len(overall),
        "overall_average": round(sum(overall) / len(overall), 1) if overall else None,
        "recommend_share": round(100 * sum(1 for r in recommend if r) / len(recommend))
        if recommend
        else None,
        "incidents": incidents,
        "incident_counts": sorted(Counter(i.get_severity_display() for i in incidents).items()),
        "checks": checks,
        "check_items": sorted(item_yes.items()),
        "labels": partner_quality.labels_of(organisation_id=organisation.pk),
        "status": partner_quality.host_status_of(organisation_id=organisation.pk),
        "mobilities": mobilities[:20],
    }


def placement_check_save(
    *,
    mobility: Mobility,
    answers: dict[str, str],
    comment: str,
    acting_user: User,
    request: HttpRequest | None = None,
) -> PlacementCheck:
    """The referent's checklist of the placement's host: every item answered (yes, no, not applicable)."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    if mobility.host_organisation_id is None:
        raise ValidationError(_("This mobility has no host organisation to assess."))
    if mobility.status not in REPORTABLE:
        raise ValidationError(_("The checklist is filled in once the placement has taken place."))
    items = check_items_for(mobility=mobility)
    errors = {f"item{i.pk}": _("Answer yes, no or not applicable.") for i in items
              if answers.get(f"item{i.pk}") not in CheckAnswer.values}  # fmt: skip
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        check, _created = PlacementCheck.objects.select_for_update().get_or_create(
            mobility=mobility,
            defaults={"organisation_id": mobility.host_organisation_id, "filled_by": acting_user},
        )
        check.organisation_id, check.filled_by, check.filled_at = (
            mobility.host_organisation_id,
            acting_user,
            timezone.now(),
        )
        check.comment = (comment or "").strip()[:4000]
        check.save()
        check.answers.all().delete()
        PlacementCheckAnswer.objects.bulk_create(
            [PlacementCheckAnswer(check_list=check, item=i, answer=answers[f"item{i.pk}"]) for i in items]
        )
        audit_record(action="placement_check.save", actor=acting_user, target=mobility, centre_id=mobility.centre_id,
                     data={"organisation": mobility.host_organisation_id}, request=request)  # fmt: skip
    return check
