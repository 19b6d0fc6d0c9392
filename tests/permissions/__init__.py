"""The route × role matrix, one module per app, read by ``tests/test_permissions.py``.

Every module of this package may define:

``ROUTES``
    a list of ``Route`` (see ``base.py``): one URL pattern, keyed by its name
    (``"partners:organisation-detail"``) or, for an unnamed pattern, by its route string
    (``"admin/(?P<url>.*)$"``); how to build its parameters from the world; the outcome expected
    for each role of the cast.
``FAMILIES``
    a list of ``Family``: a regular expression over keys (``r"^admin:"``) with a default for
    every pattern it matches. A ``Route`` with the same key overrides its family. Each pattern of
    a family is still requested once per role.
``world objects``
    functions decorated with ``@world_object`` that build, lazily, the objects of centre A that
    routes need (``world.host_company``).

The test fails when a URL pattern has no entry (neither route nor family), when an entry names
no pattern, and when a role gets anything but the expected outcome.
"""

import importlib
import pkgutil

from .base import Family, Route


def modules():
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if info.name not in {"base"}:
            yield importlib.import_module(f"{__name__}.{info.name}")


def collect() -> tuple[dict[str, Route], list[Family]]:
    routes: dict[str, Route] = {}
    families: list[Family] = []
    for module in modules():
        for route in getattr(module, "ROUTES", []):
            if route.key in routes:
                raise AssertionError(f"{route.key} is in the matrix twice ({module.__name__})")
            routes[route.key] = route
        families.extend(getattr(module, "FAMILIES", []))
    return routes, families
