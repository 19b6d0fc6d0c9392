"""Reads of learners, scoped to the training centres the user's memberships reach (another centre's
learner is a 404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from mobility.learners.models import Learner, ParentalConsent, Qualification
from mobility.mobilities.models import Mobility, MobilityStatus
from partners.accounts.access import get_access, hidden


def _centres(user: Any) -> frozenset[int]:
    return get_access(user).centre_ids


def qualification_list_for_user(*, user: Any) -> QuerySet[Qualification]:
    access = get_access(user)
    return (
        Qualification.objects.filter(Q(network__isnull=True) | Q(network_id__in=access.network_ids))
        .filter(is_active=True)
        .order_by("diploma", "title")
    )


# --- Learners ---------------------------------------------------------------------------------
LEARNER_ORDERINGS = {
    "name": ("last_name", "first_name", "id"),
    "-name": ("-last_name", "-first_name", "-id"),
    "centre": ("centre__name", "last_name", "id"),
    "-centre": ("-centre__name", "-last_name", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
    "birth": ("date_of_birth", "id"),
    "-birth": ("-date_of_birth", "-id"),
}


def learner_list_for_user(
    *,
    user: Any,
    search: str = "",
    centre_id: int | None = None,
    kind: str = "",
    qualification_id: int | None = None,
    minors_only: bool = False,
    abroad_now: bool = False,
    ordering: str = "name",
    include_anonymised: bool = False,
    with_mobility_summary: bool = False,
) -> QuerySet[Learner]:
    """The learners of the user's centres; ``with_mobility_summary`` adds, in the same query, how many
    mobilities each has and the status and start of the latest one that is not cancelled."""
    qs = Learner.objects.filter(centre_id__in=_centres(user))
    if with_mobility_summary:
        latest = (
            Mobility.objects.filter(participant=OuterRef("pk"))
            .exclude(status=MobilityStatus.CANCELLED)
            .order_by("-planned_start", "-id")
        )
        # Counted in a subquery, like the latest mobility: a join on mobilities with GROUP BY would read
        # every mobility of the network for one page of learners (bench/README.md, "Findings").
        count = (
            Mobility.objects.filter(participant=OuterRef("pk"))
            .order_by()
            .values("participant")
            .annotate(n=Count("pk"))
            .values("n")
        )
        qs = qs.annotate(
            mobility_count=Coalesce(Subquery(count), 0),
            latest_status=Subquery(latest.values("status")[:1]),
            latest_start=Subquery(latest.values("planned_start")[:1]),
            latest_country=Subquery(latest.values("host_country")[:1]),
        )
    if not include_anonymised:
        qs = qs.filter(anonymised_at__isnull=True)
    if centre_id:
        qs = qs.filter(centre_id=centre_id)
    if kind:
        qs = qs.filter(kind=kind)
    if qualification_id:
        qs = qs.filter(qualification_id=qualification_id)
    if minors_only:
        today = timezone.localdate()
        qs = qs.filter(date_of_birth__gt=today.replace(year=today.year - 18))
    if abroad_now:
        qs = qs.filter(
            Exists(Mobility.objects.filter(participant=OuterRef("pk"), status=MobilityStatus.IN_PROGRESS))
        )
    for word in search.split()[:5]:
        qs = qs.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(email__icontains=word)
            | Q(national_id__iexact=word)
            | Q(trade__icontains=word)
        )
    return qs.select_related("centre", "qualification", "employer").order_by(
        *LEARNER_ORDERINGS.get(ordering, LEARNER_ORDERINGS["name"])
    )


#: What a row of the learner list shows (``mobility/learner_list.html``): 23 columns, not the 90 of the
#: learner, its centre, qualification and employer.
LIST_ROW_FIELDS = (
    "first_name",
    "last_name",
    "kind",
    "date_of_birth",
    "fewer_opportunities",
    "needs_adaptation",
    "position",
    "training_year",
    "trade",
    "anonymised_at",
    "centre__name",
    "centre__short_name",
    "qualification__diploma",
    "qualification__title",
    "employer__name",
    "employer__short_name",
)


def learner_rows(queryset: QuerySet[Learner]) -> QuerySet[Learner]:
    """A list of learners with only what the list shows, their relations joined."""
    return queryset.only(*LIST_ROW_FIELDS)


def learner_get_for_user(*, user: Any, pk: Any) -> Learner:
    """One learner of the user's centres; an anonymised learner is nobody any more (404)."""
    try:
        return (
            Learner.objects.filter(centre_id__in=_centres(user), anonymised_at__isnull=True)
            .select_related("centre", "qualification", "employer", "employer_contact")
            .get(pk=int(pk))
        )
    except (Learner.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(Learner, pk) from exc


def learner_detail_for_user(*, user: Any, pk: Any) -> Learner:
    """A learner with what their page shows: mobilities, consents, documents."""
    learner = learner_get_for_user(user=user, pk=pk)
    learner.mobility_rows = list(
        learner.mobilities.select_related("activity_type", "host_organisation").order_by("-planned_start")
    )
    learner.consent_rows = list(learner.consents.order_by("-given_on"))
    learner.document_rows = list(
        learner.documents.select_related("document_type", "mobility").order_by("-created_at")
    )
    return learner


def learner_has_consent(*, learner: Learner, mobility: Mobility | None = None) -> bool:
    qs = ParentalConsent.objects.filter(learner=learner)
    if mobility is not None:
        qs = qs.filter(Q(mobility__isnull=True) | Q(mobility=mobility))
    return qs.exists()


# --- Pages: lookups the referent's pages need -------------------------------------------------
def consent_get_for_user(*, user: Any, pk: Any) -> ParentalConsent:
    try:
        return (
            ParentalConsent.objects.filter(learner__centre_id__in=_centres(user))
            .select_related("learner")
            .get(pk=int(pk))
        )
    except (ParentalConsent.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(ParentalConsent, pk) from exc


def learner_choices_for_centres(*, centre_ids: Any, kind: str = "") -> QuerySet[Learner]:
    """Participants that may be picked for a mobility in these centres (the caller checked access)."""
    qs = Learner.objects.filter(centre_id__in=centre_ids, anonymised_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("centre").order_by("last_name", "first_name", "id")


def learner_search_for_centres(
    *, centre_ids: Any, q: str, kind: str = "", exclude_ids: Any = (), limit: int = 20
) -> list[Learner]:
    """A picker's matches among the participants of these centres (the caller checked access):
    every word of ``q`` in a name, the e-mail, the trade, or the national identifier exactly."""
    qs = learner_choices_for_centres(centre_ids=centre_ids, kind=kind)
    if exclude_ids:
        qs = qs.exclude(pk__in=list(exclude_ids))
    for word in (q or "").split()[:5]:
        word = word[:100]
        qs = qs.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(email__icontains=word)
            | Q(national_id__iexact=word)
            | Q(trade__icontains=word)
        )
    return list(qs[:limit])
