"""What the referent's dashboard and timeline show: departures, stays under way, overdue work."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Window,
)
from django.utils import timezone

from mobility.catalogue.models import ActivityType, DocumentType
from mobility.documents.models import Document
from mobility.documents.selectors import PARENTAL_AUTHORISATION, consent_with_scan_learners, document_applies
from mobility.evaluations.models import Evaluation, EvaluationKind, EvaluationStatus
from mobility.guests.models import AccessLink, GuestRole
from mobility.mobilities.models import Mobility, MobilityStatus
from mobility.mobilities.selectors import MobilityFilters, mobility_list_for_user
from mobility.tracking.models import ChecklistItem, FollowUp
from partners.accounts.access import get_access


def _centres(user: Any) -> frozenset[int]:
    return get_access(user).centre_ids


# --- Dashboard --------------------------------------------------------------------------------
#: How many of the next 45 days' departures the dashboard reads: its 20 of the next 30 days and the
#: first 60 planned or confirmed, whose documents it checks (drafts between them included).
UPCOMING_READ = 200

# What the dashboard's lists show of each row: a few columns, not every column of the mobility and
# its relations (the departures alone are up to 200 rows).
PERSON = ("participant__first_name", "participant__last_name", "participant__anonymised_at")
UPCOMING_FIELDS = (
    *PERSON,
    "participant__date_of_birth",
    "status",
    "planned_start",
    "planned_end",
    "activity_type_id",
    "host_city",
    "host_country",
    "host_organisation__name",
    "host_organisation__short_name",
)
OVERDUE_FIELDS = (
    "title",
    "due_date",
    "template__name",
    "template__name_translations",
    "mobility__reference",
    *(f"mobility__{field}" for field in PERSON),
)
AWAITING_FIELDS = (*PERSON, "planned_end", "host_tutor__first_name", "host_tutor__last_name")


def dashboard_for_user(*, user: Any, today: date | None = None) -> dict[str, Any]:
    """What a referent needs to see first: departures, who is abroad, what is late or awaited."""
    today = today or timezone.localdate()
    centres = _centres(user)
    mobilities = Mobility.objects.filter(centre_id__in=centres)
    # The departures of the next 30 days and those of the next 45 whose documents are checked, in one
    # query: the next 45 days' departures, in order (enough of them for both lists).
    upcoming = list(
        mobilities.filter(
            planned_start__gte=today,
            planned_start__lte=today + timedelta(days=45),
            status__in=[MobilityStatus.PLANNED, MobilityStatus.CONFIRMED, MobilityStatus.DRAFT],
        )
        .select_related("participant", "host_organisation")
        .only(*UPCOMING_FIELDS)
        .order_by("planned_start", "id")[:UPCOMING_READ]
    )
    departures = [m for m in upcoming if m.planned_start <= today + timedelta(days=30)][:20]
    abroad_by_country = list(
        mobilities.filter(status=MobilityStatus.IN_PROGRESS, direction="outgoing")
        .values("host_country")
        .annotate(count=Count("id"))
        .order_by("-count", "host_country")
    )
    overdue_qs = ChecklistItem.objects.filter(
        mobility__centre_id__in=centres,
        done_at__isnull=True,
        due_date__lt=today,
        mobility__status__in=[
            MobilityStatus.DRAFT,
            MobilityStatus.PLANNED,
            MobilityStatus.CONFIRMED,
            MobilityStatus.IN_PROGRESS,
            MobilityStatus.COMPLETED,
            MobilityStatus.EVALUATED,
        ],
    )
    # The first 15 are chosen without the joins of the rows shown, and ordered by an expression, not the
    # column: ordered by the column, PostgreSQL walks the due-date index of every centre's items
    # (700,000 in a national network) looking for this centre's first 15 (bench/README.md, "Findings").
    due_order = (ExpressionWrapper(F("due_date") + 0, output_field=DateField()), "id")
    # each of the first 15 carries the count of them all (COUNT(*) OVER ()): one query, not two
    first = list(
        overdue_qs.annotate(total=Window(Count("pk"))).order_by(*due_order).values_list("pk", "total")[:15]
    )
    first_ids = [pk for pk, _total in first]
    overdue_total = first[0][1] if first else 0
    overdue = list(
        ChecklistItem.objects.filter(pk__in=first_ids)
        .select_related("mobility", "mobility__participant", "template")
        .only(*OVERDUE_FIELDS)
        .order_by("due_date", "id")
    )
    missed_followups = FollowUp.objects.filter(
        mobility__centre_id__in=centres,
        done_on__isnull=True,
        scheduled_for__lt=today,
        mobility__status=MobilityStatus.IN_PROGRESS,
    ).count()
    awaiting_qs = mobilities.filter(status=MobilityStatus.COMPLETED)
    awaiting_evaluation = list(
        awaiting_qs.annotate(
            total=Window(Count("pk")),
            submitted=Exists(
                Evaluation.objects.filter(
                    mobility=OuterRef("pk"), kind=EvaluationKind.TUTOR, status=EvaluationStatus.SUBMITTED
                )
            ),
            # A tutor never sent their link cannot be "awaited": the page says what to do instead.
            tutor_link_sent=Exists(
                AccessLink.objects.filter(
                    mobility=OuterRef("pk"), role=GuestRole.TUTOR, revoked_at__isnull=True
                )
            ),
        )
        .select_related("participant", "host_tutor")
        .only(*AWAITING_FIELDS)
        .order_by("planned_end", "id")[:15]
    )
    to_certify_qs = mobilities.filter(status=MobilityStatus.EVALUATED)
    to_certify = list(
        to_certify_qs.annotate(total=Window(Count("pk")))
        .select_related("participant")
        .only(*PERSON, "reference", "planned_end")
        .order_by("planned_end", "id")[:15]
    )
    missing = []
    required_by_type: dict[int, list[DocumentType]] = {}
    soon_list = [m for m in upcoming if m.status != MobilityStatus.DRAFT][:60]
    if soon_list:
        # the required documents of their activity types, in one query on the link table
        required = ActivityType.required_documents.through.objects.filter(
            activitytype_id__in={m.activity_type_id for m in soon_list}
        ).select_related("documenttype")
        for link in required.order_by("documenttype__order", "documenttype__name"):
            required_by_type.setdefault(link.activitytype_id, []).append(link.documenttype)
        # The rule of ``missing_documents`` (the confirmation blockers), for many mobilities at once:
        # a learner's document counts for this mobility or for none other, while it is still valid.
        uploaded: dict[int, list[tuple[int | None, int, date | None]]] = {}
        for learner_id, mobility_id, type_id, valid_until in Document.objects.filter(
            learner_id__in={m.participant_id for m in soon_list}
        ).values_list("learner_id", "mobility_id", "document_type_id", "valid_until"):
            uploaded.setdefault(learner_id, []).append((mobility_id, type_id, valid_until))
        consents = consent_with_scan_learners(
            learner_ids={m.participant_id for m in soon_list}, mobility_ids={m.pk for m in soon_list}
        )
        for m in soon_list:
            minor = m.participant.is_minor_on(m.planned_start)
            present = {
                type_id
                for mobility_id, type_id, valid_until in uploaded.get(m.participant_id, [])
                if mobility_id in (None, m.pk) and (valid_until is None or valid_until >= m.planned_end)
            }
            consented = (m.participant_id, None) in consents or (m.participant_id, m.pk) in consents
            lacking = [
                t
                for t in required_by_type.get(m.activity_type_id, [])
                if t.pk not in present
                and not (consented and t.code == PARENTAL_AUTHORISATION)
                and document_applies(t, minor=minor)
            ]
            if lacking:
                missing.append((m, lacking))
    return {
        "today": today,
        "departures": departures,
        "abroad_by_country": abroad_by_country,
        "abroad_total": sum(row["count"] for row in abroad_by_country),
        "overdue": overdue,
        "overdue_total": overdue_total,
        "missed_followups": missed_followups,
        "awaiting_evaluation": awaiting_evaluation,
        "awaiting_evaluation_total": awaiting_evaluation[0].total if awaiting_evaluation else 0,
        "to_certify": to_certify,
        "to_certify_total": to_certify[0].total if to_certify else 0,
        "missing_documents": missing[:15],
        "missing_documents_total": len(missing),
    }


# --- Timeline ---------------------------------------------------------------------------------
def timeline_for_user(
    *, user: Any, start: date, end: date, filters: MobilityFilters | None = None
) -> QuerySet[Mobility]:
    """Mobilities that overlap [start, end], in the order the timeline draws them."""
    qs = mobility_list_for_user(user=user, filters=filters, ordering="start")
    qs = qs.filter(planned_start__lte=end).filter(Q(planned_end__gte=start) | Q(actual_end__gte=start))
    return qs.annotate(incident_count=Count("incidents", distinct=True))
