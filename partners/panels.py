"""Panels that an app contributes to another app's page without the page importing it.

The dependency direction stays certification → mobility → partners: a partner's page shows the
mobilities it hosts, and a mobility's page shows its certificates, through panels registered by
the upper apps in their ``AppConfig.ready``:

    @panels.register("organisation_detail", order=20)
    def hosted_mobilities(request, organisation) -> str | None:
        return render_to_string("mobility/_hosted_panel.html", {...}, request=request)

and rendered in a template with ``{% load panels %}{% panels "organisation_detail" organisation %}``.
A panel returns ``None`` when it has nothing to show for that user.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

Panel = Callable[[HttpRequest, Any], "str | None"]
_REGISTRY: dict[str, list[tuple[int, Panel]]] = defaultdict(list)


def register(slot: str, *, order: int = 50) -> Callable[[Panel], Panel]:
    def decorator(func: Panel) -> Panel:
        entries = _REGISTRY[slot]
        if all(existing is not func for _, existing in entries):
            entries.append((order, func))
            entries.sort(key=lambda e: e[0])
        return func

    return decorator


def render(slot: str, request: HttpRequest, obj: Any) -> list[SafeString]:
    rendered = []
    for _, func in _REGISTRY.get(slot, ()):
        html = func(request, obj)
        if html:
            rendered.append(mark_safe(html))  # noqa: S308 (panels return rendered templates)
    return rendered
