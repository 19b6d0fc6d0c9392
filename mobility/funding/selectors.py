"""Reads of money: the rate table a mobility's grant uses, the grant computed from it (or as frozen),
the payments due, a project's budget and the Beneficiary Module's grant columns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Q, QuerySet

from mobility.funding import calculator, geography
from mobility.funding.models import GrantPayment, MobilityFunding, RateTable
from mobility.mobilities.models import DistanceBand, Mobility
from partners.accounts.access import get_access

#: A band chosen by hand → its lower bound in km.
BAND_MIN_KM = {
    DistanceBand.BAND_1: 10,
    DistanceBand.BAND_2: 100,
    DistanceBand.BAND_3: 500,
    DistanceBand.BAND_4: 2000,
    DistanceBand.BAND_5: 3000,
    DistanceBand.BAND_6: 4000,
    DistanceBand.BAND_7: 8000,
}


# --- Rate tables ------------------------------------------------------------------------------
def rate_table_list_for_user(*, user: Any) -> QuerySet[RateTable]:
    """The shipped tables and those of the user's networks."""
    networks = get_access(user).network_ids
    return RateTable.objects.filter(Q(network__isnull=True) | Q(network_id__in=networks)).select_related(
        "network", "updated_by"
    )


def rate_table_for(
    *, network_id: int | None, call_year: int | None, national_agency: str = ""
) -> RateTable | None:
    """The network's own table of that year (its agency's first), else the shipped one."""
    if not call_year:
        return None
    candidates = RateTable.objects.filter(
        Q(network__isnull=True) | Q(network_id=network_id), call_year=call_year
    ).filter(Q(national_agency="") | Q(national_agency=national_agency))
    ranked = sorted(candidates, key=lambda t: (t.network_id is None, t.national_agency == ""))
    return ranked[0] if ranked else None


def rates_of(table: RateTable | None) -> calculator.Rates:
    if table is None:
        return calculator.Rates()
    bands = tuple(
        calculator.Band(b.min_km, b.max_km, b.standard, b.green)
        for b in table.travel_rates.order_by("min_km")
    )
    daily = {(d.country_group, d.participant_kind): d.amount for d in table.daily_rates.all()}
    figures = {
        name: getattr(table, name)
        for name in calculator.Rates.__dataclass_fields__
        if name not in {"bands", "daily"}
    }
    return calculator.Rates(bands=bands, daily=daily, **figures)


# --- A mobility's grant -----------------------------------------------------------------------
@dataclass(frozen=True)
class MobilityGrant:
    mobility: Mobility
    funding: MobilityFunding | None
    table: RateTable | None
    grant: calculator.Grant
    distance_km: float | None
    #: why the distance is not known ("sending" / "host": that town is not in the gazetteer)
    unknown_towns: tuple[str, ...]
    #: the grant as issued (a dict) when the agreement is out, and the difference to the current one
    frozen: dict | None
    difference: Decimal | None

    @property
    def current_total(self) -> Decimal | None:
        return self.grant.total

    @property
    def issued_total(self) -> Decimal | None:
        if self.frozen and self.frozen.get("total") is not None:
            return Decimal(self.frozen["total"])
        return None


def _national_agency(mobility: Mobility) -> str:
    number = (mobility.project.grant_agreement_number if mobility.project else "") or ""
    parts = number.split("-")
    return parts[2] if len(parts) > 2 else ""


def sending_town(mobility: Mobility, funding: MobilityFunding | None) -> tuple[str, str]:
    organisation = mobility.sending_organisation
    return (
        (funding.sending_city if funding and funding.sending_city else organisation.city),
        organisation.country,
    )


def grant_input_for(
    mobility: Mobility, funding: MobilityFunding | None
) -> tuple[calculator.GrantInput, float | None, tuple[str, ...]]:
    city, country = sending_town(mobility, funding)
    origin = geography.coordinates(city, str(country))
    destination = geography.coordinates(mobility.host_city, str(mobility.host_country))
    unknown = tuple(name for name, point in (("sending", origin), ("host", destination)) if point is None)
    distance = geography.great_circle_km(origin, destination) if origin and destination else None
    manual = funding.manual_band if funding and funding.manual_band else mobility.distance_band
    band_min = (
        BAND_MIN_KM.get(manual)
        if manual and (distance is None or (funding and funding.manual_band))
        else None
    )
    grant_input = calculator.GrantInput(
        participant_kind=mobility.activity_type.participant_kind,
        country_group=geography.country_group(str(mobility.host_country)),
        activity_days=mobility.duration_days,
        travel_days=mobility.travel_days,
        green_travel=mobility.green_travel,
        distance_km=distance,
        band_min_km=band_min,
        accompanying=mobility.is_accompanying_person,
        fewer_opportunities=mobility.participant.fewer_opportunities,
        zero_grant=bool(funding and funding.zero_grant),
        real_travel_costs=funding.real_travel_costs if funding else None,
        inclusion_real_costs=funding.inclusion_real_costs if funding else None,
        course_days=(funding.course_days or 0) if funding else 0,
    )
    return grant_input, distance, unknown


_UNSET: Any = object()


def mobility_grant(mobility: Mobility, *, funding: Any = _UNSET, tables: dict | None = None) -> MobilityGrant:
    """The grant of a mobility the caller has already read through a scoped selector.

    ``funding`` and ``tables`` (a cache of rate tables by network, year and agency) spare queries
    when many mobilities are computed at once."""
    if funding is _UNSET:
        funding = MobilityFunding.objects.filter(mobility=mobility).first()
    project = mobility.project
    key = (mobility.centre.network_id, project.call_year if project else None, _national_agency(mobility))
    tables = {} if tables is None else tables
    if key not in tables:
        table = rate_table_for(network_id=key[0], call_year=key[1], national_agency=key[2])
        tables[key] = (table, rates_of(table))
    table, rates = tables[key]
    grant_input, distance, unknown = grant_input_for(mobility, funding)
    grant = calculator.compute(grant_input, rates)
    if table is None:
        grant = calculator.Grant(grant.lines, ("rate_table", *grant.missing), grant.notes)
    frozen = funding.frozen if funding and funding.issued_at else None
    difference = None
    if frozen and frozen.get("total") is not None and grant.total is not None:
        difference = grant.total - Decimal(frozen["total"])
    return MobilityGrant(mobility, funding, table, grant, distance, unknown, frozen, difference)


# --- Payments ---------------------------------------------------------------------------------
def payments_for_user(*, user: Any) -> QuerySet[GrantPayment]:
    return GrantPayment.objects.filter(
        funding__mobility__centre_id__in=get_access(user).centre_ids
    ).select_related("funding__mobility__participant", "funding__mobility__centre")


def payments_due_for_user(*, user: Any, month: date) -> QuerySet[GrantPayment]:
    """Unpaid payments due by the end of ``month`` (late ones included), for the accountant."""
    first = month.replace(day=1)
    next_month = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return (
        payments_for_user(user=user)
        .filter(paid_on__isnull=True, due_on__lt=next_month)
        .order_by("due_on", "id")
    )


# --- The Beneficiary Module's columns ---------------------------------------------------------
BM_COLUMNS = (
    "travel",
    "individual_support",
    "organisational_support",
    "inclusion_support",
    "exceptional_costs",
    "zero_grant",
)


def bm_grant_columns(mobilities: list[Mobility]) -> dict[int, dict[str, Any]]:
    """For each mobility id, the BM grant columns from its frozen grant (empty amounts when the
    participant's grant agreement is not issued): travel, individual support, organisational support,
    inclusion support, exceptional costs (amounts as Decimal) and zero-grant (bool). One query."""
    fundings = {
        f.mobility_id: f for f in MobilityFunding.objects.filter(mobility_id__in=[m.pk for m in mobilities])
    }
    out: dict[int, dict[str, Any]] = {}
    for mobility in mobilities:
        funding = fundings.get(mobility.pk)
        row: dict[str, Any] = dict.fromkeys(BM_COLUMNS[:-1])
        row["zero_grant"] = bool(funding and funding.zero_grant)
        if funding and funding.issued_at and funding.frozen:
            grant = calculator.Grant(
                tuple(
                    calculator.Line(
                        li["code"], Decimal(li["rate"]), Decimal(li["count"]), Decimal(li["amount"])
                    )
                    for li in funding.frozen.get("lines", [])
                )
            )
            row.update({k: v for k, v in calculator.bm_columns(grant).items() if k in row})
        out[mobility.pk] = row
    return out


def missing_label(code: str) -> str:
    """What a missing rate is called on the page (``travel.standard.500`` → the band, the kind)."""
    from django.utils.translation import gettext as _

    head, _sep, rest = code.partition(".")
    if head == "travel" and rest.count("."):
        kind, km = rest.split(".", 1)
        label = _("green travel") if kind == "green" else _("standard travel")
        return _("%(what)s for the band from %(km)s km") % {"what": label, "km": km}
    if head == "daily":
        kind, group = rest.split(".", 1)
        who = _("staff and accompanying persons") if kind == "staff" else _("learners")
        return _("daily rate for %(who)s in country group %(group)s") % {"who": who, "group": group}
    labels = {
        "rate_table": _("a rate table for the project's call year"),
        "distance": _("the distance (a town is not in the gazetteer: enter the band by hand)"),
        "travel.band": _("a travel band for this distance"),
        "day15_factor": _("the factor from the 15th day"),
        "organisational_support": _("organisational support"),
        "inclusion_support": _("inclusion support"),
        "course_fee_per_day": _("course fees per day"),
        "travel_days_funded": _("travel days funded"),
        "green_travel_days_funded": _("travel days funded with green travel"),
        "exceptional_threshold": _("the threshold for exceptional costs"),
        "exceptional_share": _("the share of real costs for exceptional costs"),
    }
    return str(labels.get(code, code))


# --- The apprentice's stay: the law's limits --------------------------------------------------
PROVISION_MAX_DAYS = 28  # a stay of up to 4 weeks: the contract runs on (mise à disposition)
STAY_MAX_DAYS = 365


@dataclass(frozen=True)
class ApprenticeshipCheck:
    #: "provision" (mise à disposition, ≤ 4 weeks) or "suspension" (mise en veille, over 4 weeks)
    convention: str
    #: (field, message) for each rule the stay breaks
    problems: tuple[tuple[str, str], ...]


def apprenticeship_check(mobility: Mobility) -> ApprenticeshipCheck:
    """The apprentice's stay against the contract: at most one year abroad, and at most half of the
    apprenticeship contract, within the contract's dates (Code du travail, L. 6222-42)."""
    from django.utils.translation import gettext as _

    learner = mobility.participant
    stay = (mobility.end - mobility.start).days + 1
    convention = "provision" if stay <= PROVISION_MAX_DAYS else "suspension"
    problems: list[tuple[str, str]] = []
    start, end = learner.apprenticeship_start, learner.apprenticeship_end
    if not start or not end:
        field = "apprenticeship_start" if not start else "apprenticeship_end"
        problems.append((field, _("Enter the dates of the apprenticeship contract on the learner's record.")))
        return ApprenticeshipCheck(convention, tuple(problems))
    if stay > STAY_MAX_DAYS:
        problems.append(
            ("planned_end", _("A stay abroad lasts at most one year (here %(days)s days).") % {"days": stay})
        )
    contract = (end - start).days + 1
    if stay * 2 > contract:
        problems.append(
            (
                "planned_end",
                _("The stay (%(stay)s days) exceeds half of the apprenticeship contract (%(contract)s days).")
                % {"stay": stay, "contract": contract},
            )
        )
    if mobility.start < start or mobility.end > end:
        problems.append(("planned_start", _("The stay falls outside the apprenticeship contract.")))
    return ApprenticeshipCheck(convention, tuple(problems))


def line_label(code: str) -> str:
    from django.utils.translation import gettext as _

    labels = {
        "travel": _("Travel"),
        "exceptional_costs": _("Exceptional costs for expensive travel"),
        "individual_support": _("Individual support (days 1 to 14)"),
        "individual_support_from_day_15": _("Individual support (from the 15th day)"),
        "organisational_support": _("Organisational support"),
        "inclusion_support": _("Inclusion support (organisation)"),
        "inclusion_real_costs": _("Inclusion support (real costs)"),
        "course_fees": _("Course fees"),
    }
    return str(labels.get(code, code))


# --- A project's budget -----------------------------------------------------------------------
#: Budget line codes (as a project writes them) → the grant lines they hold.
BUDGET_CODES = {
    "travel": ("TR", "TRAV", "TRAVEL", "T"),
    "individual_support": ("IS", "INDIVIDUAL", "IND"),
    "organisational_support": ("OS", "ORG", "ORGANISATIONAL"),
    "inclusion_support": ("INC", "INCL", "INCLUSION", "IN"),
    "exceptional_costs": ("EC", "EXC", "EXCEPTIONAL"),
    "course_fees": ("CF", "COURSE", "COURSES"),
}
COMMITTED = ("planned", "confirmed", "in_progress")
REALISED = ("completed", "evaluated", "certified")


@dataclass
class BudgetLine:
    code: str
    label: str
    awarded: Decimal | None
    committed: Decimal = Decimal("0.00")
    realised: Decimal = Decimal("0.00")

    @property
    def forecast(self) -> Decimal:
        return self.committed + self.realised

    @property
    def remaining(self) -> Decimal | None:
        return None if self.awarded is None else self.awarded - self.forecast

    @property
    def over(self) -> bool:
        return self.awarded is not None and self.forecast > self.awarded

    @property
    def percent(self) -> int:
        if not self.awarded:
            return 100 if self.forecast else 0
        return min(100, int(self.forecast * 100 / self.awarded))


def project_budget(*, user: Any, project: Any) -> dict[str, Any]:
    """Awarded (the project's budget lines), committed (planned, confirmed, in progress), realised
    (completed, evaluated, certified), remaining and forecast, per line and per centre of the user's.
    A mobility counts with its frozen grant once issued, else with the grant computed now."""
    mobilities = list(
        Mobility.objects.filter(project=project, centre_id__in=get_access(user).centre_ids)
        .filter(status__in=(*COMMITTED, *REALISED))
        .select_related("centre", "participant", "activity_type", "sending_organisation", "project")
    )
    return budget_of(project, mobilities)


def budget_of(project: Any, mobilities: list[Mobility]) -> dict[str, Any]:
    """``project_budget`` for mobilities already chosen (and scoped) by the caller."""
    fundings = {f.mobility_id: f for f in MobilityFunding.objects.filter(mobility__in=mobilities)}
    by_grant_code = {code: grant_code for grant_code, codes in BUDGET_CODES.items() for code in codes}
    lines: dict[str, BudgetLine] = {}
    for row in project.budget_lines or []:
        code = str(row.get("code", "")).upper()
        key = by_grant_code.get(code, code)
        lines[key] = BudgetLine(
            code=row.get("code", ""),
            label=row.get("label", ""),
            awarded=Decimal(str(row.get("amount") or 0)).quantize(calculator.CENT),
        )
    centres: dict[str, Decimal] = {}
    incomplete = []
    tables: dict = {}
    for mobility in mobilities:
        funding = fundings.get(mobility.pk)
        if funding and funding.issued_at and funding.frozen:
            amounts = [(li["code"], Decimal(li["amount"])) for li in funding.frozen["lines"]]
        else:
            grant = mobility_grant(mobility, funding=funding, tables=tables).grant
            if not grant.complete:
                incomplete.append(mobility)
                continue
            amounts = [(li.code, li.amount) for li in grant.lines]
        for code, amount in amounts:
            key = next((k for k, v in calculator.BM_GROUPS.items() if code in v), code)
            line = lines.setdefault(key, BudgetLine(code=key, label=line_label(key), awarded=None))
            if mobility.status in REALISED:
                line.realised += amount
            else:
                line.committed += amount
            centres[mobility.centre.name] = centres.get(mobility.centre.name, Decimal("0")) + amount
    ordered = list(lines.values())
    total = BudgetLine(
        code="",
        label="",
        awarded=sum((li.awarded or 0 for li in ordered), Decimal("0")) if ordered else None,
        committed=sum((li.committed for li in ordered), Decimal("0")),
        realised=sum((li.realised for li in ordered), Decimal("0")),
    )
    return {"lines": ordered, "total": total, "centres": sorted(centres.items()), "incomplete": incomplete}


def funding_for(mobility: Mobility) -> MobilityFunding:
    """The mobility's grant inputs (``mobility`` already read through the scoped selector), or new."""
    return MobilityFunding.objects.filter(mobility=mobility).first() or MobilityFunding(mobility=mobility)


def grant_issued(mobility: Mobility) -> bool:
    return MobilityFunding.objects.filter(mobility=mobility, issued_at__isnull=False).exists()
