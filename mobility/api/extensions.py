"""Endpoints that the apps above ``mobility`` add to ``/api/v1/``.

Dependencies go certification → mobility → partners: the API's router lives here, so an upper
app registers its viewsets from its ``AppConfig.ready`` (before the URLs are loaded) instead of
being imported from below.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Extension(NamedTuple):
    prefix: str
    viewset: Any
    basename: str


_registered: list[Extension] = []


def register(prefix: str, viewset: Any, basename: str) -> None:
    if any(extension.prefix == prefix for extension in _registered):
        return  # ``ready`` may run twice (the test runner, the autoreloader)
    _registered.append(Extension(prefix, viewset, basename))


def registered() -> list[Extension]:
    return list(_registered)
