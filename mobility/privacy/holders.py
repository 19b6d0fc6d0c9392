"""What the upper apps hold about a learner's mobilities, for the archive and the erasure.

The privacy services sit below those apps (certification → mobility → partners): an upper app
registers, in its ``AppConfig.ready``, a ``Holder`` that says how to erase what it keeps about some
mobilities and what the learner's archive says of it. The services call every registered holder
without importing the app (the partner pages' panels work the same way).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Hands a stored file over for deletion once the erasure has committed.
Drop = Callable[[Any], None]
#: Puts a stored file in the archive under a folder; returns its path there (or None).
Attach = Callable[[str, Any, str], "str | None"]


@dataclass(frozen=True)
class Holder:
    #: The key of the holder's records in the archive and in the erasure's audit entry.
    name: str
    #: A reason to refuse the erasure right now (a file being written for these mobilities), or None.
    busy: Callable[[list[int]], str | None]
    #: Erases what it keeps about these mobilities, files through ``Drop``; returns the records kept.
    erase: Callable[[list[int], Drop], int]
    #: What the archive lists for one mobility (``mobility`` has the holder's rows prefetched if named).
    export: Callable[[Any, Attach], list[dict[str, Any]]]
    #: Reverse relations of a mobility that ``export`` reads (prefetched by the archive).
    prefetch: tuple[str, ...] = ()


_HOLDERS: dict[str, Holder] = {}


def holder_register(holder: Holder) -> None:
    """Registers (or replaces, on a second ``ready``) the holder of that name."""
    _HOLDERS[holder.name] = holder


def holders() -> list[Holder]:
    return list(_HOLDERS.values())
