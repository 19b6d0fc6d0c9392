"""Reads of incidents (always through a mobility the user may see)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from mobility.care.models import EmergencyNumber, Incident
from mobility.documents.models import Document
from mobility.mobilities.models import Direction, Mobility, MobilityStatus
from partners.accounts.access import get_access
from partners.accounts.models import Membership
from partners.accounts.roles import Role
from partners.audit.models import AuditEntry

#: Document types that prove the participant is insured.
INSURANCE_CODES = ("insurance", "ehic")


def incidents_of(*, mobility: Mobility) -> QuerySet[Incident]:
    return (
        Incident.objects.filter(mobility=mobility)
        .select_related("recorded_by")
        .order_by("-occurred_on", "-id")
    )


# --- Who is abroad now ---------------------------------------------------------------------------
#: The EU's member states: 112 everywhere.
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)

#: A stay leaving within this many days is on the list too.
LEAVING_WITHIN_DAYS = 7

#: Statuses of a stay that is going ahead.
GOING_AHEAD = (MobilityStatus.PLANNED, MobilityStatus.CONFIRMED, MobilityStatus.IN_PROGRESS)


@dataclass
class AbroadRow:
    mobility: Mobility
    abroad: bool  # today within the stay (else leaving within the week)
    minor: bool
    emergency_number: str
    insurance: list[str]
    referents: list[str]

    @property
    def learner(self) -> Any:
        return self.mobility.participant


def emergency_numbers(countries: set[str]) -> dict[str, str]:
    """The emergency number of each country: the recorded one, else 112 in the EU, else empty."""
    recorded = dict(
        EmergencyNumber.objects.filter(country__in=list(countries)).values_list("country", "number")
    )
    return {c: recorded.get(c) or ("112" if c in EU_COUNTRIES else "") for c in countries}


def abroad_now_for_user(
    *, user: Any, today: date | None = None, centre_id: int | None = None, country: str = "", town: str = ""
) -> list[AbroadRow]:
    """Every outgoing participant of the user's centres abroad today or leaving within the week, with what
    an emergency needs: host, tutor, accompanying person, insurance on file, guardians, number, referent.
    A fixed number of queries whatever the number of rows."""
    today = today or timezone.localdate()
    centres = get_access(user).centre_ids
    if centre_id:
        centres = centres & {centre_id}
    horizon = today + timedelta(days=LEAVING_WITHIN_DAYS)
    qs = (
        Mobility.objects.filter(centre_id__in=centres, status__in=GOING_AHEAD, direction=Direction.OUTGOING)
        .filter(Q(actual_start__isnull=False, actual_start__lte=horizon) | Q(actual_start__isnull=True, planned_start__lte=horizon))
        .filter(Q(actual_end__isnull=False, actual_end__gte=today) | Q(actual_end__isnull=True, planned_end__gte=today))
        .select_related("participant", "centre", "host_organisation", "host_tutor", "group")
        .order_by("host_country", "host_city", "participant__last_name", "id")
    )  # fmt: skip
    if country:
        qs = qs.filter(host_country=country.upper()[:2])
    if town:
        qs = qs.filter(host_city__icontains=town.strip()[:100])
    mobilities = list(qs[:1000])
    ids = [m.pk for m in mobilities]
    learner_ids = {m.participant_id for m in mobilities}
    insurance: dict[int, list[str]] = defaultdict(list)
    for doc in (
        Document.objects.filter(learner_id__in=learner_ids, document_type__code__in=INSURANCE_CODES)
        .filter(Q(mobility_id__in=ids) | Q(mobility__isnull=True))
        .select_related("document_type")
    ):
        insurance[doc.learner_id].append(f"{doc.document_type.label} ({doc.original_name})")
    creators = {
        target: _person(" ".join(filter(None, (first, last))), email)
        for target, first, last, email in AuditEntry.objects.filter(
            action="mobility.create", target_type="mobility.Mobility",
            target_id__in=[str(i) for i in ids], actor__is_active=True,
        ).values_list("target_id", "actor__first_name", "actor__last_name", "actor__email")
    }  # fmt: skip
    referents: dict[int, list[str]] = defaultdict(list)
    for m in (
        Membership.objects.filter(
            organisation_id__in={m.centre_id for m in mobilities},
            role=Role.REFERENT,
            is_active=True,
            user__is_active=True,
        )
        .select_related("user")
        .order_by("user__last_name")
    ):
        referents[m.organisation_id].append(_person(m.user.get_full_name(), m.user.email))
    numbers = emergency_numbers({str(m.host_country) for m in mobilities})
    rows = []
    for m in mobilities:
        creator = creators.get(str(m.pk))
        rows.append(
            AbroadRow(
                mobility=m,
                abroad=m.start <= today,
                minor=m.participant.is_minor_on(m.start),
                emergency_number=numbers.get(str(m.host_country), ""),
                insurance=insurance.get(m.participant_id, []),
                referents=[creator] if creator else referents.get(m.centre_id, [])[:3],
            )
        )
    return rows


def _person(name: str, email: str) -> str:
    """A referent as the list shows them: "Camille Rousseau (camille@centre.example)", or the e-mail."""
    return f"{name} ({email})" if name else email
