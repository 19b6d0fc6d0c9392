"""The rate tables the platform ships: only figures published for every national agency, each with
its source. Figures each agency sets (daily rates, the factor from the 15th day) or not yet known are
left empty: the platform then says which rate is missing instead of computing a grant from it.
"""

from __future__ import annotations

GUIDE_2021 = "Erasmus+ Programme Guide 2021–2024, KA1 VET: travel (unit costs per distance band)"
GUIDE_2021_RULES = "Erasmus+ Programme Guide 2021–2024, KA1 VET: funding rules"
GUIDE_2025 = "Erasmus+ Programme Guide 2025 (published summaries): travel, first four bands"
NOT_KNOWN = "Not published for all agencies: enter the figure from your national agency's table."
NO_GREEN = "The guide gives no green-travel amount for this band: the standard amount applies."
BANDS = ((10, 99), (100, 499), (500, 1999), (2000, 2999), (3000, 3999), (4000, 7999), (8000, None))


def _rules(source: str) -> dict:
    return {
        "organisational_support": ("100", "Erasmus+ Programme Guide, KA121/KA122: organisational support"),
        "inclusion_support": ("100", "Erasmus+ Programme Guide, KA1: inclusion support for organisations"),
        "course_fee_per_day": ("80", "Erasmus+ Programme Guide, KA1 staff: course fees"),
        "course_fee_cap": ("800", "Erasmus+ Programme Guide, KA1 staff: course fees"),
        "travel_days_funded": (2, source),
        "green_travel_days_funded": (6, source),
        "exceptional_threshold": ("0.70", source),
        "exceptional_share": ("0.80", source),
        "day15_factor": (None, NOT_KNOWN),
    }


def _table_2021(year: int) -> dict:
    standard = ("23", "180", "275", "360", "530", "820", "1500")
    green = ("23", "210", "320", "410", "610", "820", "1500")
    return {
        "call_year": year,
        "figures": _rules(GUIDE_2021_RULES),
        "bands": [
            {
                "min_km": lo,
                "max_km": hi,
                "standard": s,
                "green": g,
                "source": GUIDE_2021 if i in (1, 2, 3, 4) else f"{GUIDE_2021}. {NO_GREEN}",
            }
            for i, ((lo, hi), s, g) in enumerate(zip(BANDS, standard, green, strict=True))
        ],
    }


def _table_2025() -> dict:
    standard = ("28", "211", "309", "395", None, None, None)
    green = ("56", "285", "417", "535", None, None, None)
    return {
        "call_year": 2025,
        "figures": _rules("Erasmus+ Programme Guide 2025, KA1 VET: funding rules"),
        "bands": [
            {"min_km": lo, "max_km": hi, "standard": s, "green": g, "source": GUIDE_2025 if s else NOT_KNOWN}
            for (lo, hi), s, g in zip(BANDS, standard, green, strict=True)
        ],
    }


SHIPPED_TABLES = [*(_table_2021(year) for year in (2021, 2022, 2023, 2024)), _table_2025()]
