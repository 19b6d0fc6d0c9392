"""Panels on the referent's pages: links, confirmation, evaluation, recognition and outbox of a
mobility; evaluations waiting for review on the dashboard.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.template.loader import render_to_string

from mobility.evaluations.models import (
    EmployerFeedback,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    GuestReminder,
    Recognition,
)
from mobility.evaluations.services import recognition as evaluations
from mobility.evaluations.services import reminders as services_reminders
from mobility.guests.models import AccessLink, GuestRole, HostConfirmation
from mobility.guests.services import links as guests
from mobility.learners.models import Learner
from mobility.mobilities.models import Mobility, MobilityStatus
from mobility.mobilities.selectors import read_along
from partners import panels
from partners.accounts.access import get_access
from partners.accounts.roles import Capability
from partners.emails.models import OutboundEmail

#: How many messages the mobility page lists (``mobility.mobilities.selectors.mobility_emails``).
MOBILITY_EMAILS_SHOWN = 50

ROLE_ORDER = (GuestRole.TUTOR, GuestRole.LEARNER, GuestRole.EMPLOYER)


def _email_count(mobility: Mobility, emails: Any) -> int:
    """How many messages the outbox holds: counted from the page's own list when it holds them all."""
    rows = getattr(mobility, "email_rows", None)
    if rows is not None and len(rows) < MOBILITY_EMAILS_SHOWN:
        return len(rows)
    return emails.count()


def mobility_outside_context(*, mobility: Mobility, user: Any) -> dict[str, Any]:
    """Everything the mobility's "tutor, learner, employer" panel shows, in a fixed number of queries."""
    access = get_access(user)
    links = list(
        AccessLink.objects.filter(mobility=mobility)
        .select_related("contact", "learner", "learner__employer", "created_by")
        .prefetch_related(Prefetch("reminders", queryset=GuestReminder.objects.order_by("-sent_at")))
        .order_by("-created_at")[:12]
    )
    live = {link.role: link for link in reversed(links) if link.revoked_at is None}
    # the page's mobility holds its evaluations already (``mobility_detail_for_user``)
    by_kind = {e.kind: e for e in mobility.evaluations.all()}
    confirmation = read_along(mobility, "host_confirmation", HostConfirmation)
    roles = []
    for role in ROLE_ORDER:
        try:
            person = guests.person_for(mobility=mobility, role=role)
            problem = ""
        except ValidationError as exc:
            person, problem = None, exc.messages[0]
        link = live.get(role)
        roles.append(
            {
                "role": role,
                "label": GuestRole(role).label,
                "person": person,
                "problem": problem,
                "link": link,
                "needs_validation": role == GuestRole.EMPLOYER
                and getattr(by_kind.get(EvaluationKind.TUTOR), "status", "") != EvaluationStatus.VALIDATED,
            }
        )
    tutor_link = live.get(GuestRole.TUTOR)
    pending = (
        services_reminders.tutor_pending(
            link=tutor_link,
            mobility=mobility,
            evaluation=by_kind.get(EvaluationKind.TUTOR),
            confirmation=confirmation,
        )
        if tutor_link is not None and tutor_link.is_usable
        else None
    )
    emails = OutboundEmail.objects.filter(related_type=Mobility._meta.label, related_id=str(mobility.pk))
    reminders = [r for link in links for r in link.reminders.all()]
    reminders.sort(key=lambda r: r.sent_at, reverse=True)
    return {
        "mobility": mobility,
        "roles": roles,
        "links": links,
        "confirmation": confirmation,
        "confirmation_holds": confirmation is not None and confirmation.holds_for(mobility),
        "show_confirmation": confirmation is not None
        or mobility.status in (MobilityStatus.DRAFT, MobilityStatus.PLANNED, MobilityStatus.CONFIRMED),
        "tutor_evaluation": by_kind.get(EvaluationKind.TUTOR),
        "self_assessment": by_kind.get(EvaluationKind.SELF),
        "employer_feedback": read_along(mobility, "employer_feedback", EmployerFeedback),
        "recognitions": list(
            Recognition.objects.filter(mobility=mobility).select_related("unit", "decided_by")
        ),
        "after_return": mobility.status in evaluations.AFTER_RETURN,
        "pending": pending,
        "reminders": reminders[:6],
        "email_count": _email_count(mobility, emails),
        "can_manage": access.can(Capability.MANAGE_LEARNERS, mobility.centre_id),
        "can_review": access.can(Capability.VALIDATE_EVALUATIONS, mobility.centre_id),
        "cancelled": mobility.status == MobilityStatus.CANCELLED,
    }


@panels.register("mobility_detail", order=40)
def outside_panel(request: HttpRequest, mobility: Mobility) -> str | None:
    if not get_access(request.user).can(Capability.VIEW, mobility.centre_id):
        return None
    context = mobility_outside_context(mobility=mobility, user=request.user)
    return render_to_string("mobility/evaluation/_panel_mobility.html", context, request=request)


#: The learner as the dashboard's lists name them (the rows read only what the panel shows).
_PERSON = (
    "mobility__participant__first_name",
    "mobility__participant__last_name",
    "mobility__participant__anonymised_at",
)


def dashboard_context(*, user: Any) -> dict[str, Any]:
    centres = get_access(user).centre_ids
    to_review = list(
        Evaluation.objects.filter(
            mobility__centre_id__in=centres, kind=EvaluationKind.TUTOR, status=EvaluationStatus.SUBMITTED
        )
        .select_related("mobility", "mobility__participant")
        .only("submitted_at", "mobility__reference", *_PERSON)
        .order_by("submitted_at")[:10]
    )
    other_dates = list(
        HostConfirmation.objects.filter(
            mobility__centre_id__in=centres,
            dates_confirmed=False,
            mobility__status__in=[MobilityStatus.DRAFT, MobilityStatus.PLANNED, MobilityStatus.CONFIRMED],
        )
        .select_related("mobility", "mobility__participant")
        .only("proposed_start", "proposed_end", "answered_by", *_PERSON)
        .order_by("-answered_at")[:10]
    )
    return {"to_review": to_review, "other_dates": other_dates}


@panels.register("dashboard", order=30)
def dashboard_panel(request: HttpRequest, user: Any) -> str | None:
    access = get_access(user)
    if not access.centre_ids:
        learner = Learner.objects.filter(user=user).first() if user.is_authenticated else None
        if learner is None:
            return None
        return render_to_string(
            "mobility/evaluation/_panel_learner_home.html", {"learner": learner}, request=request
        )
    context = dashboard_context(user=user)
    if not context["to_review"] and not context["other_dates"]:
        return None
    return render_to_string("mobility/evaluation/_panel_dashboard.html", context, request=request)
