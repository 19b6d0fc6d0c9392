"""No route hides another: every named pattern, filled with sample values, resolves back to itself."""

import re

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern

SAMPLES = {"int": "7", "str": "sample", "slug": "sample", "uuid": "12345678-1234-5678-1234-567812345678"}


def _named_routes(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # regular-expression routes (admin, static) are not ours to check
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_routes(entry, route, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, route


def _sample_path(route: str) -> str:
    return "/" + re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLES.get(m.group(1) or "str", "sample"), route)


def test_every_named_route_resolves_to_itself():
    shadowed = []
    for name, route in _named_routes(get_resolver()):
        if "<path:" in route:
            continue
        path = _sample_path(route)
        match = resolve(path)
        if match.view_name != name:
            shadowed.append(f"{path}: {name} is reached as {match.view_name}")
    assert not shadowed, "\n".join(shadowed)
