"""The grant calculator against cases computed by hand, and its properties (Hypothesis).

Daily rates are set by each national agency: the cases use made-up figures written out here.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from mobility.funding import calculator, geography
from mobility.funding.calculator import Band, GrantInput, Rates

TRAVEL_2021 = (
    Band(10, 99, D("23"), D("23")),
    Band(100, 499, D("180"), D("210")),
    Band(500, 1999, D("275"), D("320")),
    Band(2000, 2999, D("360"), D("410")),
    Band(3000, 3999, D("530"), D("610")),
    Band(4000, 7999, D("820"), D("820")),
    Band(8000, None, D("1500"), D("1500")),
)
RATES = Rates(
    bands=TRAVEL_2021,
    daily={(1, "learner"): D("48"), (2, "learner"): D("40"), (2, "staff"): D("126"), (1, "staff"): D("153")},
    day15_factor=D("0.70"),
    organisational_support=D("100"),
    inclusion_support=D("100"),
    course_fee_per_day=D("80"),
    course_fee_cap=D("800"),
    travel_days_funded=2,
    green_travel_days_funded=6,
    exceptional_threshold=D("0.70"),
    exceptional_share=D("0.80"),
)


def lines(grant):
    return {line.code: (line.rate, line.count, line.amount) for line in grant.lines}


def test_lyon_to_cologne_21_days_green_travel():
    # Lyon → Köln: 597 km one way (haversine), band 500–1,999 km, green travel 320 EUR.
    km = geography.great_circle_km(
        geography.coordinates("Lyon", "FR"), geography.coordinates("Cologne", "DE")
    )
    assert 590 < km < 605
    assert geography.country_group("DE") == 2
    grant = calculator.compute(
        GrantInput("learner", 2, activity_days=21, travel_days=4, green_travel=True, distance_km=km), RATES
    )
    # 21 days + 4 travel days (green: up to 6 funded) = 25 days: 14 × 40 + 11 × 28 (40 × 0.70).
    assert lines(grant) == {
        "travel": (D("320"), 1, D("320.00")),
        "individual_support": (D("40"), 14, D("560.00")),
        "individual_support_from_day_15": (D("28.00"), 11, D("308.00")),
        "organisational_support": (D("100"), 1, D("100.00")),
    }
    assert grant.total == D("1288.00")  # 320 + 560 + 308 + 100


def test_erasmuspro_120_days_group_1_with_day_15_factor():
    # Lyon → Helsinki: 2,076 km, band 2,000–2,999 km: 360 EUR; 120 days + 2 travel days = 122 days.
    km = geography.great_circle_km(
        geography.coordinates("Lyon", "FR"), geography.coordinates("Helsinki", "FI")
    )
    grant = calculator.compute(
        GrantInput(
            "learner", geography.country_group("FI"), activity_days=120, travel_days=3, distance_km=km
        ),
        RATES,
    )
    # Only 2 travel days are funded without green travel: 14 × 48 = 672; 108 × 33.60 = 3,628.80.
    assert lines(grant)["individual_support"] == (D("48"), 14, D("672.00"))
    assert lines(grant)["individual_support_from_day_15"] == (D("33.60"), 108, D("3628.80"))
    assert lines(grant)["travel"] == (D("360"), 1, D("360.00"))
    assert grant.total == D("4760.80")  # 360 + 672 + 3628.80 + 100


def test_zero_grant_participant_counts_for_organisational_support_only():
    grant = calculator.compute(
        GrantInput(
            "learner", 2, activity_days=21, distance_km=597, zero_grant=True, inclusion_real_costs=D("300")
        ),
        RATES,
    )
    assert lines(grant) == {"organisational_support": (D("100"), 1, D("100.00"))}
    assert grant.total == D("100.00")


def test_staff_course_with_fees_and_their_cap():
    # 5 course days + 2 travel days at the staff rate of group 2: 7 × 126 = 882; fees 5 × 80 = 400.
    grant = calculator.compute(GrantInput("staff", 2, activity_days=5, distance_km=350, course_days=5), RATES)
    assert lines(grant)["course_fees"] == (D("80"), 5, D("400.00"))
    assert lines(grant)["individual_support"] == (D("126"), 7, D("882.00"))
    assert grant.total == D("1562.00")  # 180 + 882 + 400 + 100
    capped = calculator.compute(
        GrantInput("staff", 2, activity_days=12, distance_km=350, course_days=12), RATES
    )
    assert lines(capped)["course_fees"][2] == D("800")  # 12 × 80 = 960, capped at 800
    assert "course_fees_capped" in capped.notes


def test_host_town_outside_the_gazetteer_uses_the_band_entered_by_hand():
    assert geography.coordinates("Trifouilly-les-Oies", "FR") is None
    missing = calculator.compute(GrantInput("learner", 2, activity_days=10), RATES)
    assert missing.missing == ("distance",) and missing.total is None
    grant = calculator.compute(GrantInput("learner", 2, activity_days=10, band_min_km=500), RATES)
    assert lines(grant)["travel"] == (D("275"), 1, D("275.00"))
    assert grant.total == D("855.00")  # 275 + 12 × 40 + 100


def test_accompanying_person_gets_the_staff_rate_and_no_organisational_support():
    grant = calculator.compute(
        GrantInput("learner", 2, activity_days=5, distance_km=597, accompanying=True), RATES
    )
    assert lines(grant) == {
        "travel": (D("275"), 1, D("275.00")),
        "individual_support": (D("126"), 7, D("882.00")),
    }


def test_fewer_opportunities_adds_inclusion_support_for_the_organisation_and_real_costs():
    grant = calculator.compute(
        GrantInput(
            "learner",
            2,
            activity_days=5,
            distance_km=597,
            fewer_opportunities=True,
            inclusion_real_costs=D("250"),
        ),
        RATES,
    )
    assert lines(grant)["inclusion_support"] == (D("100"), 1, D("100.00"))
    assert lines(grant)["inclusion_real_costs"] == (D("1"), 250, D("250.00"))


def test_exceptional_costs_replace_travel_only_under_70_percent_coverage():
    # 4,000–7,999 km: 820 EUR. Real costs 1,500: 820 < 1,050 (70 %), so 80 % of 1,500 = 1,200 instead.
    grant = calculator.compute(
        GrantInput("learner", 4, activity_days=5, distance_km=5000, real_travel_costs=D("1500")),
        replace(RATES, daily={(4, "learner"): D("30")}),
    )
    assert "travel" not in lines(grant)
    assert lines(grant)["exceptional_costs"] == (D("0.80"), 1500, D("1200.00"))
    # Real costs 1,100: 820 ≥ 770 (70 %), the unit cost stays.
    grant = calculator.compute(
        GrantInput("learner", 4, activity_days=5, distance_km=5000, real_travel_costs=D("1100")),
        replace(RATES, daily={(4, "learner"): D("30")}),
    )
    assert lines(grant)["travel"][2] == D("820.00") and "exceptional_costs" not in lines(grant)


def test_a_missing_rate_is_named_and_gives_no_total():
    grant = calculator.compute(GrantInput("learner", 3, activity_days=21, distance_km=900), RATES)
    assert grant.missing == ("daily.learner.3",)
    assert grant.total is None
    rates_2025 = replace(RATES, bands=(*RATES.bands[:4], Band(3000, 3999, None, None), *RATES.bands[5:]))
    grant = calculator.compute(
        GrantInput("learner", 2, activity_days=5, distance_km=3500, green_travel=True), rates_2025
    )
    assert grant.missing == ("travel.green.3000",)
    no_factor = calculator.compute(
        GrantInput("learner", 2, activity_days=30, distance_km=597), replace(RATES, day15_factor=None)
    )
    assert no_factor.missing == ("day15_factor",)


def test_bm_columns_of_a_grant():
    grant = calculator.compute(
        GrantInput(
            "learner",
            2,
            activity_days=21,
            travel_days=4,
            green_travel=True,
            distance_km=597,
            fewer_opportunities=True,
        ),
        RATES,
    )
    assert calculator.bm_columns(grant) == {
        "travel": D("320.00"),
        "individual_support": D("868.00"),
        "organisational_support": D("100.00"),
        "inclusion_support": D("100.00"),
        "exceptional_costs": D("0.00"),
        "course_fees": D("0.00"),
    }


# --- Properties -------------------------------------------------------------------------------
money = st.integers(min_value=0, max_value=5000).map(D)


@st.composite
def rate_tables(draw):
    standard = sorted(draw(st.lists(money, min_size=7, max_size=7)))
    extra = draw(st.lists(st.integers(0, 300), min_size=7, max_size=7))
    green = [s + e for s, e in zip(standard, extra, strict=True)]
    green = [max(green[: i + 1]) for i in range(7)]  # a longer trip is never paid less
    bounds = [(10, 99), (100, 499), (500, 1999), (2000, 2999), (3000, 3999), (4000, 7999), (8000, None)]
    threshold = D(draw(st.integers(1, 100))) / 100
    return Rates(
        bands=tuple(Band(lo, hi, s, g) for (lo, hi), s, g in zip(bounds, standard, green, strict=True)),
        daily={(grp, kind): draw(money) for grp in (1, 2, 3, 4) for kind in ("learner", "staff")},
        day15_factor=D(draw(st.integers(0, 100))) / 100,
        organisational_support=draw(money),
        inclusion_support=draw(money),
        course_fee_per_day=draw(money),
        course_fee_cap=draw(money),
        travel_days_funded=draw(st.integers(0, 2)),
        green_travel_days_funded=6,
        exceptional_threshold=threshold,
        exceptional_share=max(threshold, D(draw(st.integers(1, 100))) / 100),
    )


inputs = st.builds(
    GrantInput,
    participant_kind=st.sampled_from(["learner", "staff"]),
    country_group=st.integers(1, 4),
    activity_days=st.integers(0, 400),
    travel_days=st.integers(0, 6),
    green_travel=st.booleans(),
    distance_km=st.floats(0, 20000),
    accompanying=st.booleans(),
    fewer_opportunities=st.booleans(),
    zero_grant=st.booleans(),
    real_travel_costs=st.one_of(st.none(), money),
    inclusion_real_costs=st.one_of(st.none(), money),
    course_days=st.integers(0, 30),
)


@settings(max_examples=300, deadline=None)
@given(inputs, rate_tables())
def test_lines_add_up_to_the_total(grant_input, rates):
    grant = calculator.compute(grant_input, rates)
    assert grant.complete
    assert grant.total == sum((line.amount for line in grant.lines), D("0"))
    assert all(line.amount >= 0 for line in grant.lines)
    assert D(grant.as_dict()["total"]) == grant.total


RISES = {
    "activity_days": lambda g, n: replace(g, activity_days=g.activity_days + n),
    "travel_days": lambda g, n: replace(g, travel_days=g.travel_days + n),
    "real_travel_costs": lambda g, n: replace(g, real_travel_costs=(g.real_travel_costs or 0) + n),
    "inclusion_real_costs": lambda g, n: replace(g, inclusion_real_costs=(g.inclusion_real_costs or 0) + n),
    "course_days": lambda g, n: replace(g, course_days=g.course_days + n),
    "green_travel": lambda g, n: replace(g, green_travel=True),
    "fewer_opportunities": lambda g, n: replace(g, fewer_opportunities=True),
}


@settings(max_examples=300, deadline=None)
@given(inputs, rate_tables(), st.sampled_from(sorted(RISES)), st.integers(1, 500))
def test_a_rise_in_any_input_never_lowers_the_total(grant_input, rates, name, amount):
    before = calculator.compute(grant_input, rates).total
    after = calculator.compute(RISES[name](grant_input, amount), rates).total
    assert after >= before


@settings(max_examples=300, deadline=None)
@given(inputs, rate_tables(), st.floats(0, 5000))
def test_a_longer_distance_never_lowers_the_total(grant_input, rates, more):
    # Without exceptional costs: with them, the rule itself is not monotonic (80 % of real costs of
    # 1,000 is 800; a longer band paying 750 covers 75 % and replaces them).
    grant_input = replace(grant_input, real_travel_costs=None)
    before = calculator.compute(grant_input, rates).total
    after = calculator.compute(replace(grant_input, distance_km=grant_input.distance_km + more), rates).total
    assert after >= before
