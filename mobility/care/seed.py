"""Emergency numbers of the countries outside the EU where learners often go (112 works in the EU)."""

from __future__ import annotations

from typing import Any

NUMBERS: list[tuple[str, str, str]] = [
    ("GB", "999 / 112", "Police, ambulance, fire"),
    ("IE", "112 / 999", ""),
    ("NO", "112 / 113", "112 police, 113 ambulance, 110 fire"),
    ("IS", "112", ""),
    ("CH", "112 / 144", "117 police, 144 ambulance, 118 fire"),
    ("TR", "112", ""),
    ("MK", "112", ""),
    ("RS", "112 / 194", "192 police, 194 ambulance, 193 fire"),
    ("CA", "911", ""),
    ("US", "911", ""),
]


def install(apps: Any = None) -> None:
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    EmergencyNumber = apps.get_model("mobility", "EmergencyNumber")
    for country, number, note in NUMBERS:
        EmergencyNumber.objects.get_or_create(country=country, defaults={"number": number, "note": note})
