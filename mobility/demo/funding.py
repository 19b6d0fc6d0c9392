"""Demo money: a rate table of the network for the demo projects' call years (demo figures, said so),
and the grant agreement issued for a few confirmed mobilities, with a pre-financing paid."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone

from mobility.funding import selectors as funding_selectors
from mobility.funding import services as funding
from mobility.funding.models import DailyRate, RateTable, TravelRate
from mobility.funding.shipped_rates import BANDS
from mobility.mobilities.models import Mobility, MobilityStatus
from partners.accounts.models import User
from partners.directory.models import Organisation

DEMO = "Demo figures (fictional), not a national agency's table."
TRAVEL = ("28", "211", "309", "395", "530", "820", "1500")
GREEN = ("56", "285", "417", "535", "610", "820", "1500")
DAILY = {"learner": ("60", "51", "42", "42"), "staff": ("180", "160", "140", "140")}


def seed_rate_tables(network: Organisation) -> None:
    year = timezone.localdate().year
    for call_year in (year - 1, year):
        table, created = RateTable.objects.get_or_create(
            network=network,
            call_year=call_year,
            national_agency="FR01",
            defaults={
                "day15_factor": Decimal("0.70"),
                "organisational_support": Decimal("100"),
                "inclusion_support": Decimal("100"),
                "course_fee_per_day": Decimal("80"),
                "course_fee_cap": Decimal("800"),
                "travel_days_funded": 2,
                "green_travel_days_funded": 6,
                "exceptional_threshold": Decimal("0.70"),
                "exceptional_share": Decimal("0.80"),
                "source": DEMO,
            },
        )
        if not created:
            continue
        TravelRate.objects.bulk_create(
            TravelRate(table=table, min_km=lo, max_km=hi, standard=Decimal(s), green=Decimal(g), source=DEMO)
            for (lo, hi), s, g in zip(BANDS, TRAVEL, GREEN, strict=True)
        )
        DailyRate.objects.bulk_create(
            DailyRate(
                table=table, country_group=group, participant_kind=kind, amount=Decimal(amount), source=DEMO
            )
            for kind, amounts in DAILY.items()
            for group, amount in enumerate(amounts, start=1)
        )


def seed_grants(centre: Organisation, referent: User) -> None:
    confirmed = Mobility.objects.filter(
        centre=centre, status=MobilityStatus.CONFIRMED, project__isnull=False, funding__isnull=True
    ).select_related("centre", "participant", "activity_type", "sending_organisation", "project")
    for mobility in list(confirmed.order_by("planned_start", "pk")[:3]):
        grant = funding_selectors.mobility_grant(mobility).grant
        if grant.missing == ("distance",):  # a fictional town: the band as the EU calculator gives it
            funding.funding_update(
                mobility=mobility,
                data={"manual_band": "500-1999", "manual_band_reason": "EU distance calculator (demo)"},
                acting_user=referent,
            )
            grant = funding_selectors.mobility_grant(mobility).grant
        if not grant.complete:
            continue
        try:
            record = funding.grant_issue(mobility=mobility, acting_user=referent)
        except ValidationError:
            continue
        first = record.payments.order_by("due_on").first()
        if first is not None:
            funding.payment_mark_paid(
                payment=first,
                paid_on=min(timezone.localdate(), first.due_on) - timedelta(days=1),
                reference=f"VIR-{mobility.reference}",
                acting_user=referent,
            )
