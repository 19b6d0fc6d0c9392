"""Reads of calls and applications, scoped to the user's centres (another centre's is a 404), and the
public reads of a published call."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from mobility.recruitment.models import Application, ApplicationStatus, Call, CallStatus, Score
from partners.accounts.access import get_access


def call_list_for_user(*, user: Any) -> QuerySet[Call]:
    """The calls of the user's centres (their own, or shared with them), with their counts."""
    centres = get_access(user).centre_ids
    shared = Call.other_centres.through.objects.filter(call_id=OuterRef("pk"), organisation_id__in=centres)
    return (
        Call.objects.filter(Q(centre_id__in=centres) | Exists(shared))
        .select_related("centre", "activity_type")
        .annotate(
            n_applications=Count(
                "applications",
                filter=Q(applications__centre_id__in=centres)
                & ~Q(applications__status=ApplicationStatus.DRAFT),
            )
        )
        .order_by("-opens_on", "-id")
    )


def call_get_for_user(*, user: Any, pk: int) -> Call:
    call = call_list_for_user(user=user).filter(pk=pk).select_related("project").first()
    if call is None:
        raise Http404
    return call


def application_list_for_user(*, user: Any, call: Call | None = None) -> QuerySet[Application]:
    """The applications of the user's centres (drafts are the candidate's own until submitted)."""
    qs = (
        Application.objects.filter(centre_id__in=get_access(user).centre_ids)
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("centre", "place", "place__host_organisation", "learner", "call")
    )
    if call is not None:
        qs = qs.filter(call=call)
    return qs.order_by("rank", "last_name", "id")


def application_get_for_user(*, user: Any, pk: int) -> Application:
    application = (
        application_list_for_user(user=user)
        .select_related("call__activity_type", "call__centre", "mobility")
        .prefetch_related(
            "preferences__place__host_organisation", "files", "scores__criterion", "scores__referent"
        )
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    return application


def awaiting_scoring_count(*, user: Any) -> int:
    """Submitted applications the user has not scored yet (for the dashboard)."""
    mine = Score.objects.filter(application_id=OuterRef("pk"), referent=user)
    return (
        Application.objects.filter(
            centre_id__in=get_access(user).centre_ids, status=ApplicationStatus.SUBMITTED
        )
        .exclude(Exists(mine))
        .count()
    )


def open_calls_count(*, user: Any) -> int:
    return call_list_for_user(user=user).filter(status=CallStatus.OPEN).count()


def recruitment_figures(*, centre_ids: Any) -> list[tuple[str, str]]:
    """The activity report's lines about recruitment: open calls, applications not scored by anyone."""
    from django.utils.translation import gettext as _

    calls = Call.objects.filter(centre_id__in=centre_ids, status=CallStatus.OPEN).count()
    waiting = Application.objects.filter(
        centre_id__in=centre_ids, status=ApplicationStatus.SUBMITTED, scores__isnull=True
    ).count()
    return [
        (_("Open calls for applications"), str(calls)),
        (_("Applications awaiting scoring"), str(waiting)),
    ]


# --- Public reads ---------------------------------------------------------------------------------
def call_get_public(*, key: str) -> Call:
    """A published call (a draft is nobody's business yet)."""
    call = (
        Call.objects.exclude(status=CallStatus.DRAFT)
        .select_related("centre", "activity_type")
        .prefetch_related("places__host_organisation", "criteria", "other_centres")
        .filter(public_key=key)
        .first()
    )
    if call is None:
        raise Http404
    return call


def application_get_for_guest(*, pk: int) -> Application:
    application = (
        Application.objects.select_related("call", "centre", "place", "place__host_organisation")
        .prefetch_related(
            "preferences__place", "files", "call__places__host_organisation", "call__other_centres"
        )
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    return application


# --- Publishing to the centres' learners -----------------------------------------------------------
def _reference_day(call: Call) -> Any:
    """The day ages are counted on, as in the selection: the first place's start, else the closing date."""
    return min((p.start for p in call.places.all()), default=call.closes_on)


def learner_is_eligible(call: Call, learner: Any) -> bool:
    """Trade, year of training, minimum age and EQF level of the call, read from the learner's record
    (a criterion the record cannot answer, such as an unknown date of birth, is not met)."""
    trades = [t.strip().lower() for t in call.eligible_trades.split(",") if t.strip()]
    if trades and (learner.trade or "").strip().lower() not in trades:
        return False
    years = [int(y) for y in call.eligible_years.split(",") if y.strip().isdigit()]
    if years and learner.training_year not in years:
        return False
    if call.min_age:
        born, day = learner.date_of_birth, _reference_day(call)
        if (
            born is None
            or day.year - born.year - ((day.month, day.day) < (born.month, born.day)) < call.min_age
        ):
            return False
    level = learner.qualification.eqf_level if learner.qualification_id else None
    return not (call.min_eqf_level and (level or 0) < call.min_eqf_level)


def call_eligible_learners(*, call: Call) -> list[Any]:
    """The learners of the call's centres who meet its eligibility (the call read through the user's
    scope first: ``call_get_for_user``)."""
    from mobility.catalogue.models import ParticipantKind
    from mobility.learners.models import Learner

    learners = (
        Learner.objects.filter(
            centre_id__in=call.centre_ids, kind=ParticipantKind.LEARNER, anonymised_at__isnull=True
        )
        .select_related("qualification")
        .order_by("last_name", "first_name", "id")
    )
    return [learner for learner in learners if learner_is_eligible(call, learner)]


def call_notices(*, call: Call) -> QuerySet[Any]:
    from mobility.recruitment.models import CallNotice

    return CallNotice.objects.filter(call=call).order_by("told_at", "id")


def open_calls_for_learner(*, learner: Any, day: Any) -> list[Call]:
    """The open calls of the learner's centre, accepting applications on ``day``, the learner is
    eligible for (drafts, closed and decided calls are never shown). A fixed number of queries."""
    shared = Call.other_centres.through.objects.filter(
        call_id=OuterRef("pk"), organisation_id=learner.centre_id
    )
    calls = (
        Call.objects.filter(Q(centre_id=learner.centre_id) | Exists(shared))
        .filter(status=CallStatus.OPEN, opens_on__lte=day, closes_on__gte=day)
        .prefetch_related("places", "other_centres")
        .order_by("closes_on", "id")
    )
    return [call for call in calls if learner_is_eligible(call, learner)]
