"""Selection: referents score on the grid, the ranking follows (documented tie-break), places are
allocated by rank and preference, every decision carries a reason (mandatory for a refusal), is
e-mailed with an appeal window, and an appeal is recorded and decided."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from mobility.recruitment.models import (
    DECISIONS,
    Answer,
    AppealOutcome,
    Application,
    ApplicationStatus,
    Call,
    CallPlace,
    CallStatus,
    Criterion,
    CriterionSource,
    Score,
)
from mobility.recruitment.services.applying import link_send
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record

#: How ties are broken, shown on the ranking and in the report.
TIE_BREAK = gettext_noop(
    "Equal scores: the candidate with fewer opportunities first, then the higher score on the first"
    " criterion of the grid, then the earlier submission."
)


def score_record(
    *,
    application: Application,
    criterion: Criterion,
    points: int,
    comment: str,
    acting_user: User,
    request: Any = None,
) -> Score:
    """One referent's points on one criterion; scoring again replaces that referent's own score."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, application.centre_id)
    if criterion.call_id != application.call_id:
        raise ValidationError({"criterion": _("This criterion is not in the call's grid.")})
    if criterion.source != CriterionSource.SCORED:
        raise ValidationError(
            {"criterion": _("This criterion comes from the learner's record and is not typed.")}
        )
    if application.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.WAITING):
        raise ValidationError(_("Only submitted applications are scored."))
    if points is None or not 0 <= points <= criterion.max_points:
        raise ValidationError(
            {"points": _("Give between 0 and %(max)s points.") % {"max": criterion.max_points}}
        )
    with transaction.atomic():
        score, _created = Score.objects.update_or_create(
            application=application,
            criterion=criterion,
            referent=acting_user,
            defaults={"points": points, "comment": (comment or "").strip()},
        )
        audit_record(
            action="application.score",
            actor=acting_user,
            target=application,
            centre_id=application.centre_id,
            data={"criterion": criterion.label, "points": points},
            request=request,
        )
        ranking_update(call=application.call)
    return score


def fewer_opportunities_of(application: Application) -> bool:
    """From the learner's record, never typed by the candidate or a referent."""
    return bool(application.learner_id and application.learner.fewer_opportunities)


def _total(
    application: Application, criteria: list[Criterion], scores: list[Score]
) -> tuple[Decimal | None, Decimal]:
    total = Decimal(0)
    first = Decimal(0)
    scored_any = False
    for index, criterion in enumerate(criteria):
        if criterion.source == CriterionSource.FEWER_OPPORTUNITIES:
            value = Decimal(criterion.weight if application.fewer_opportunities else 0)
        else:
            mine = [s.points for s in scores if s.criterion_id == criterion.pk]
            if not mine:
                continue
            scored_any = True
            value = Decimal(sum(mine)) / len(mine) / criterion.max_points * criterion.weight
        total += value
        if index == 0:
            first = value
    if not scored_any:
        return None, first
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), first


def ranking_update(*, call: Call) -> list[Application]:
    """Scores and ranks the call's submitted and decided applications (the tie-break is ``TIE_BREAK``)."""
    criteria = list(call.criteria.order_by("order", "id"))
    apps = list(
        Application.objects.filter(call=call)
        .exclude(status__in=(ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN))
        .select_related("learner")
        .prefetch_related("scores")
    )
    keyed = []
    for app in apps:
        app.fewer_opportunities = fewer_opportunities_of(app)
        app.score, first = _total(app, criteria, list(app.scores.all()))
        keyed.append((app, first))
    keyed.sort(
        key=lambda pair: (
            pair[0].score is None,
            -(pair[0].score or 0),
            not pair[0].fewer_opportunities,
            -pair[1],
            pair[0].submitted_at or timezone.now(),
            pair[0].pk,
        )
    )
    for rank, (app, _first) in enumerate(keyed, start=1):
        app.rank = rank if app.score is not None else None
    Application.objects.bulk_update([a for a, _f in keyed], ["fewer_opportunities", "score", "rank"])
    return [a for a, _f in keyed]


def blockers(application: Application) -> list[str]:
    """Why a candidate cannot be selected, in words a referent (and the candidate) understands."""
    today = timezone.localdate()
    out = []
    if application.is_minor_on(today) and application.guardian_answer != Answer.AGREED:
        out.append(_("The guardian has not agreed (a minor needs it)."))
    if application.is_apprentice:
        if application.employer_answer == Answer.REFUSED:
            out.append(_("The employer refused: %(reason)s") % {"reason": application.employer_reason})
        elif application.employer_answer != Answer.AGREED:
            out.append(_("The employer has not agreed yet."))
    out.extend(eligibility_problems(application))
    return out


def eligibility_problems(application: Application) -> list[str]:
    call = application.call
    out = []
    trades = [t.strip().lower() for t in call.eligible_trades.split(",") if t.strip()]
    if trades and application.trade.strip().lower() not in trades:
        out.append(_("The trade is not among those of the call."))
    years = [int(y) for y in call.eligible_years.split(",") if y.strip().isdigit()]
    if years and application.training_year not in years:
        out.append(_("The year of training is not among those of the call."))
    if (
        call.min_age
        and application.age_on(min((p.start for p in call.places.all()), default=call.closes_on))
        < call.min_age
    ):
        out.append(_("Younger than the minimum age of the call (%(age)s).") % {"age": call.min_age})
    if call.min_eqf_level and (application.eqf_level or 0) < call.min_eqf_level:
        out.append(_("Below the minimum EQF level of the call (%(level)s).") % {"level": call.min_eqf_level})
    return out


def _check_deciding(call: Call) -> None:
    if call.status not in (CallStatus.CLOSED, CallStatus.DECIDED):
        raise ValidationError(_("Decisions are taken once the call is closed."))


def _place_free(place: CallPlace, application: Application) -> bool:
    """Locks the place row: two referents giving its last seat at once are served one after the other."""
    locked = CallPlace.objects.select_for_update().get(pk=place.pk)
    taken = locked.allocated.filter(status=ApplicationStatus.SELECTED).exclude(pk=application.pk).count()
    return taken < locked.places


def application_decide(
    *,
    application: Application,
    status: str,
    reason: str,
    place: CallPlace | None,
    acting_user: User,
    request: Any = None,
) -> Application:
    """Selected (on a place), waiting list or not selected, with a reason; the candidate is told."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, application.centre_id)
    reason = (reason or "").strip()
    if status not in DECISIONS:
        raise ValidationError({"status": _("Choose a decision.")})
    if status == ApplicationStatus.NOT_SELECTED and not reason:
        raise ValidationError(
            {"reason": _("Give the reason for a refusal: the candidate has a right to know it.")}
        )
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",)).select_related("call").get(pk=application.pk)
        )
        _check_deciding(application.call)
        if application.status not in (ApplicationStatus.SUBMITTED, *DECISIONS):
            raise ValidationError(_("Only submitted applications are decided."))
        if application.mobility_id:
            raise ValidationError(
                _("This candidate's mobility is planned already: cancel it to change the decision.")
            )
        if status == ApplicationStatus.SELECTED:
            problems = blockers(application)
            if problems:
                raise ValidationError({"status": problems})
            if place is None:
                raise ValidationError({"place": _("Choose the place the candidate gets.")})
            if place.call_id != application.call_id:
                raise ValidationError({"place": _("This place is not offered by the call.")})
            if not _place_free(place, application):
                raise ValidationError(
                    {
                        "place": _("The last place at %(place)s has just been given to another candidate.")
                        % {"place": place}
                    }
                )
            reason = reason or _("Ranked %(rank)s.") % {"rank": application.rank or "–"}
        else:
            place = None
        _apply_decision(
            application, status=status, reason=reason, place=place, acting_user=acting_user, request=request
        )
    return application


def _apply_decision(
    application: Application,
    *,
    status: str,
    reason: str,
    place: CallPlace | None,
    acting_user: User,
    request: Any,
) -> None:
    before = application.status
    application.status = status
    application.place = place
    application.decision_reason = reason
    application.decided_at = timezone.now()
    application.decided_by = acting_user
    application.appeal_until = timezone.localdate() + timedelta(days=application.call.appeal_days)
    application.save(
        update_fields=[
            "status",
            "place",
            "decision_reason",
            "decided_at",
            "decided_by",
            "appeal_until",
            "updated_at",
        ]
    )
    audit_record(
        action="application.decide",
        actor=acting_user,
        target=application,
        centre_id=application.centre_id,
        data={"from": before, "to": status, "place": place.pk if place else None, "reason": reason},
        request=request,
    )
    with override(application.language):
        status_label = str(ApplicationStatus(status).label)
    link_send(
        application=application,
        role="applicant",
        template="recruitment/decision",
        context={"status_label": status_label, "reason": reason, "place": str(place) if place else ""},
    )


@dataclass
class Allocation:
    selected: int = 0
    waiting: int = 0
    blocked: int = 0


def call_allocate(*, call: Call, acting_user: User, request: Any = None) -> Allocation:
    """Gives places by rank and preference; who fits no place goes on the waiting list; who cannot be
    selected (agreement missing, not eligible) is left for a decision with its reason."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, call.centre_id)
    result = Allocation()
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        _check_deciding(call)
        places = {p.pk: p for p in CallPlace.objects.select_for_update().filter(call=call)}
        free = {
            pk: p.places - p.allocated.filter(status=ApplicationStatus.SELECTED).count()
            for pk, p in places.items()
        }
        ranked = [
            a
            for a in ranking_update(call=call)
            if a.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.WAITING) and a.rank
        ]
        for application in ranked:
            if blockers(application):
                result.blocked += 1
                continue
            wanted = [p.place_id for p in application.preferences.order_by("rank")]
            chosen = next((pk for pk in wanted if free.get(pk, 0) > 0), None)
            if chosen is not None:
                free[chosen] -= 1
                with override(application.language):
                    reason = _("Ranked %(rank)s; your choice no. %(choice)s.") % {
                        "rank": application.rank,
                        "choice": wanted.index(chosen) + 1,
                    }
                _apply_decision(
                    application,
                    status=ApplicationStatus.SELECTED,
                    reason=reason,
                    place=places[chosen],
                    acting_user=acting_user,
                    request=request,
                )
                result.selected += 1
            elif application.status != ApplicationStatus.WAITING:
                with override(application.language):
                    reason = _("Ranked %(rank)s; the places you chose are taken.") % {
                        "rank": application.rank
                    }
                _apply_decision(
                    application,
                    status=ApplicationStatus.WAITING,
                    reason=reason,
                    place=None,
                    acting_user=acting_user,
                    request=request,
                )
                result.waiting += 1
        audit_record(
            action="call.allocate",
            actor=acting_user,
            target=call,
            centre_id=call.centre_id,
            data=result.__dict__,
            request=request,
        )
    return result


def appeal_record(*, application: Application, text: str, request: Any = None) -> Application:
    """The candidate appeals a decision within the window the decision gave."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"appeal_text": _("Say why you appeal.")})
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status not in (ApplicationStatus.NOT_SELECTED, ApplicationStatus.WAITING):
            raise ValidationError(_("Only a refusal or a place on the waiting list can be appealed."))
        if application.appeal_at:
            raise ValidationError(_("An appeal has already been made."))
        if not application.appeal_until or timezone.localdate() > application.appeal_until:
            raise ValidationError(_("The time to appeal is over."))
        application.appeal_text = text
        application.appeal_at = timezone.now()
        application.save(update_fields=["appeal_text", "appeal_at", "updated_at"])
        audit_record(
            action="application.appeal",
            actor_label=application.full_name,
            target=application,
            centre_id=application.centre_id,
            request=request,
        )
    return application


def appeal_decide(
    *, application: Application, outcome: str, reason: str, acting_user: User, request: Any = None
) -> Application:
    """A referent decides an appeal, with a reason; upholding it puts the candidate back to be decided."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, application.centre_id)
    reason = (reason or "").strip()
    if outcome not in (AppealOutcome.UPHELD, AppealOutcome.DISMISSED):
        raise ValidationError({"outcome": _("Choose an outcome.")})
    if not reason:
        raise ValidationError({"appeal_reason": _("Give the reason for the appeal decision.")})
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if not application.appeal_at or application.appeal_decided_at:
            raise ValidationError(_("There is no appeal awaiting a decision."))
        application.appeal_outcome = outcome
        application.appeal_reason = reason
        application.appeal_decided_at = timezone.now()
        fields = ["appeal_outcome", "appeal_reason", "appeal_decided_at", "updated_at"]
        if outcome == AppealOutcome.UPHELD:
            application.status = ApplicationStatus.SUBMITTED
            fields.append("status")
        application.save(update_fields=fields)
        audit_record(
            action="application.appeal_decide",
            actor=acting_user,
            target=application,
            centre_id=application.centre_id,
            data={"outcome": outcome},
            request=request,
        )
    return application
