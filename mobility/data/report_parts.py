"""Tables that other sub-domains add to the activity report, so that the report never imports them:
a part is ``f(mobility_ids) -> list[Table]``, registered in ``AppConfig.ready``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Part = Callable[[list[int]], list[Any]]
_PARTS: list[Part] = []

#: Export kinds whose file another sub-domain writes (``writer(job=..., out=...) -> rows``).
file_writers: dict[str, Callable[..., int]] = {}


def register_writer(kind: str, writer: Callable[..., int]) -> None:
    file_writers[kind] = writer


def register(part: Part) -> Part:
    if part not in _PARTS:
        _PARTS.append(part)
    return part


def extra_tables(mobility_ids: list[int]) -> list[Any]:
    return [table for part in _PARTS for table in part(mobility_ids)]
