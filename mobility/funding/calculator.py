"""The grant of one mobility from its inputs and a rate table: pure arithmetic, no database.

A line is ``rate × count``; the total is the sum of the lines. A rate the table leaves empty is never
read as zero: the result then names what is missing and has no total.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
FULL_RATE_DAYS = 14  # the lower rate applies from the 15th day of activity


@dataclass(frozen=True)
class Band:
    min_km: int
    max_km: int | None
    standard: Decimal | None
    green: Decimal | None

    def holds(self, km: float) -> bool:
        return km >= self.min_km and (self.max_km is None or km <= self.max_km + 0.999999)


@dataclass(frozen=True)
class Rates:
    bands: tuple[Band, ...] = ()
    #: (country group, "learner" | "staff") → amount per day
    daily: dict[tuple[int, str], Decimal | None] = field(default_factory=dict)
    day15_factor: Decimal | None = None
    organisational_support: Decimal | None = None
    inclusion_support: Decimal | None = None
    course_fee_per_day: Decimal | None = None
    course_fee_cap: Decimal | None = None
    travel_days_funded: int | None = None
    green_travel_days_funded: int | None = None
    exceptional_threshold: Decimal | None = None
    exceptional_share: Decimal | None = None


@dataclass(frozen=True)
class GrantInput:
    participant_kind: str  # "learner" or "staff"
    country_group: int
    activity_days: int
    travel_days: int = 2
    green_travel: bool = False
    distance_km: float | None = None
    #: a band chosen by hand (its lower bound in km) when the towns are not in the gazetteer
    band_min_km: int | None = None
    accompanying: bool = False
    fewer_opportunities: bool = False
    zero_grant: bool = False
    real_travel_costs: Decimal | None = None
    inclusion_real_costs: Decimal | None = None
    course_days: int = 0


@dataclass(frozen=True)
class Line:
    code: str  # travel, exceptional_costs, individual_support, individual_support_from_day_15, …
    rate: Decimal
    count: Decimal
    amount: Decimal

    def as_dict(self) -> dict[str, str]:
        return {
            "code": self.code,
            "rate": str(self.rate),
            "count": str(self.count),
            "amount": str(self.amount),
        }


@dataclass(frozen=True)
class Grant:
    lines: tuple[Line, ...] = ()
    #: names of the rates the table lacks (``travel.standard.500``, ``daily.learner.1``, …)
    missing: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def total(self) -> Decimal | None:
        return sum((line.amount for line in self.lines), Decimal("0.00")) if self.complete else None

    def amount_of(self, *codes: str) -> Decimal:
        return sum((line.amount for line in self.lines if line.code in codes), Decimal("0.00"))

    def as_dict(self) -> dict:
        total = self.total
        return {
            "lines": [line.as_dict() for line in self.lines],
            "missing": list(self.missing),
            "notes": list(self.notes),
            "total": None if total is None else str(total),
        }


def _line(code: str, rate: Decimal, count: int | Decimal) -> Line:
    count = Decimal(count)
    return Line(code, rate, count, (rate * count).quantize(CENT, rounding=ROUND_HALF_UP))


def band_for(rates: Rates, grant_input: GrantInput) -> Band | None:
    if grant_input.band_min_km is not None:
        return next((b for b in rates.bands if b.min_km == grant_input.band_min_km), None)
    if grant_input.distance_km is None:
        return None
    return next((b for b in rates.bands if b.holds(grant_input.distance_km)), None)


def compute(grant_input: GrantInput, rates: Rates) -> Grant:
    lines: list[Line] = []
    missing: list[str] = []
    notes: list[str] = []
    g = grant_input
    funded_by_eu = not g.zero_grant
    staff_rate = g.participant_kind == "staff" or g.accompanying

    # Travel (or exceptional costs for expensive travel instead of it).
    if funded_by_eu:
        band = band_for(rates, g)
        if band is None:
            if g.distance_km is None and g.band_min_km is None:
                missing.append("distance")
            elif g.band_min_km is not None or (g.distance_km or 0) >= min(
                (b.min_km for b in rates.bands), default=0
            ):
                missing.append("travel.band")
            else:
                notes.append("below_first_band")
        else:
            rate = band.green if g.green_travel else band.standard
            if rate is None:
                missing.append(f"travel.{'green' if g.green_travel else 'standard'}.{band.min_km}")
            else:
                real = g.real_travel_costs
                if real:
                    if rates.exceptional_threshold is None:
                        missing.append("exceptional_threshold")
                    if rates.exceptional_share is None:
                        missing.append("exceptional_share")
                if (
                    real
                    and rates.exceptional_threshold is not None
                    and rates.exceptional_share is not None
                    and (rate < real * rates.exceptional_threshold)
                ):
                    lines.append(_line("exceptional_costs", rates.exceptional_share, real))
                else:
                    lines.append(_line("travel", rate, 1))

    # Individual support: days of activity plus funded travel days; the lower rate from the 15th day.
    if funded_by_eu:
        allowed = rates.green_travel_days_funded if g.green_travel else rates.travel_days_funded
        if allowed is None and g.travel_days:
            missing.append("green_travel_days_funded" if g.green_travel else "travel_days_funded")
            allowed = 0
        days = max(0, g.activity_days) + min(max(0, g.travel_days), allowed or 0)
        kind = "staff" if staff_rate else "learner"
        daily = rates.daily.get((g.country_group, kind))
        if daily is None:
            missing.append(f"daily.{kind}.{g.country_group}")
        elif days:
            lines.append(_line("individual_support", daily, min(days, FULL_RATE_DAYS)))
            if days > FULL_RATE_DAYS:
                if rates.day15_factor is None:
                    missing.append("day15_factor")
                else:
                    lower = (daily * rates.day15_factor).quantize(CENT, rounding=ROUND_HALF_UP)
                    lines.append(_line("individual_support_from_day_15", lower, days - FULL_RATE_DAYS))

    # Organisational support: every participant, zero-grant ones too, never an accompanying person.
    if not g.accompanying:
        if rates.organisational_support is None:
            missing.append("organisational_support")
        else:
            lines.append(_line("organisational_support", rates.organisational_support, 1))

    # Inclusion support: an amount for the organisation, real costs for the participant.
    if g.fewer_opportunities and not g.accompanying:
        if rates.inclusion_support is None:
            missing.append("inclusion_support")
        else:
            lines.append(_line("inclusion_support", rates.inclusion_support, 1))
    if funded_by_eu and g.inclusion_real_costs:
        lines.append(_line("inclusion_real_costs", Decimal("1"), g.inclusion_real_costs))

    # Course fees (staff courses): per day, up to a cap per participant.
    if g.course_days:
        if rates.course_fee_per_day is None:
            missing.append("course_fee_per_day")
        else:
            fees = _line("course_fees", rates.course_fee_per_day, g.course_days)
            if rates.course_fee_cap is not None and fees.amount > rates.course_fee_cap:
                fees = Line(
                    "course_fees", rates.course_fee_per_day, Decimal(g.course_days), rates.course_fee_cap
                )
                notes.append("course_fees_capped")
            lines.append(fees)

    return Grant(tuple(lines), tuple(dict.fromkeys(missing)), tuple(notes))


#: Budget and BM columns → the grant lines they add up.
BM_GROUPS = {
    "travel": ("travel",),
    "individual_support": ("individual_support", "individual_support_from_day_15"),
    "organisational_support": ("organisational_support",),
    "inclusion_support": ("inclusion_support", "inclusion_real_costs"),
    "exceptional_costs": ("exceptional_costs",),
    "course_fees": ("course_fees",),
}


def bm_columns(grant: Grant) -> dict[str, Decimal]:
    """The Beneficiary Module's grant columns of a grant."""
    return {
        "travel": grant.amount_of("travel"),
        "individual_support": grant.amount_of("individual_support", "individual_support_from_day_15"),
        "organisational_support": grant.amount_of("organisational_support"),
        "inclusion_support": grant.amount_of("inclusion_support", "inclusion_real_costs"),
        "exceptional_costs": grant.amount_of("exceptional_costs"),
        "course_fees": grant.amount_of("course_fees"),
    }
