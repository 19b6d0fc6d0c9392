"""The vocabulary of the route × role matrix: roles, outcomes, routes, families, the world."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

#: The cast, in the order the requests are made. ``tutor``, ``learner`` and ``employer`` are browsers
#: without an account that opened their own link to centre A's mobility (``guest_client``).
ROLES = (
    "anonymous",
    "tutor",
    "learner",
    "employer",
    "referent_b",
    "readonly_a",
    "referent_a",
    "chamber_admin",
    "operator",
)
GUESTS = ("tutor", "learner", "employer")

#: A redirect to a login page (the platform's, or the admin's).
LOGIN = "login"

Outcome = int | str | tuple[int | str, ...]


def expect(
    *,
    anonymous: Outcome = LOGIN,
    tutor: Outcome | None = None,
    learner: Outcome | None = None,
    employer: Outcome | None = None,
    referent_b: Outcome,
    readonly_a: Outcome,
    referent_a: Outcome,
    chamber_admin: Outcome,
    operator: Outcome,
) -> dict[str, Outcome]:
    """Expected outcome per role. The guests (tutor, learner, employer) default to the anonymous
    outcome: their link opens the guest pages only (``tests/permissions/guests.py``); to every other
    page they are a browser without an account."""
    return {
        "anonymous": anonymous,
        "tutor": anonymous if tutor is None else tutor,
        "learner": anonymous if learner is None else learner,
        "employer": anonymous if employer is None else employer,
        "referent_b": referent_b,
        "readonly_a": readonly_a,
        "referent_a": referent_a,
        "chamber_admin": chamber_admin,
        "operator": operator,
    }


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(ROLES, outcome)


def members(ok: Outcome = 200, *, outsider: Outcome | None = None, readonly: Outcome | None = None) -> dict:
    """A page of centre A's staff: anonymous → login; the operator (no membership) → 403 or 404."""
    return expect(
        referent_b=ok if outsider is None else outsider,
        readonly_a=ok if readonly is None else readonly,
        referent_a=ok,
        chamber_admin=ok,
        operator=403,
    )


@dataclass(frozen=True)
class Route:
    key: str
    expect: dict[str, Outcome]
    #: world → URL parameters ({"pk": world.host_company.pk})
    kwargs: Callable[[World], dict[str, Any]] | None = None
    method: str = "get"
    #: world → form data (POST)
    data: Callable[[World], dict[str, Any]] | None = None
    #: world → query string appended to the URL
    query: Callable[[World], str] | None = None


@dataclass(frozen=True)
class Family:
    pattern: str
    expect: dict[str, Outcome]
    #: (world, key) → URL parameters
    kwargs: Callable[[World, str], dict[str, Any]] | None = None
    method: str = "get"

    def matches(self, key: str) -> bool:
        return re.search(self.pattern, key) is not None


_BUILDERS: dict[str, Callable[[World], Any]] = {}


def world_object(func: Callable[[World], Any]) -> Callable[[World], Any]:
    """Registers a lazily built object of the world under the function's name."""
    if func.__name__ in _BUILDERS and _BUILDERS[func.__name__] is not func:
        raise AssertionError(f"two world objects are called {func.__name__}")
    _BUILDERS[func.__name__] = func
    return func


@dataclass
class World:
    """Centre A's objects, built on first use. The cast (``world.centre_a``, ``world.referent_a``…)
    comes from ``tests/conftest.py``; other objects from ``@world_object`` builders."""

    cast: dict[str, Any]
    tmp_path: Any = None
    _built: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name in {"cast", "tmp_path"}:
            raise AttributeError(name)
        if name in self.cast:
            return self.cast[name]
        if name not in self._built:
            if name not in _BUILDERS:
                raise AttributeError(f"the world has no {name!r}: add a @world_object builder")
            self._built[name] = _BUILDERS[name](self)
        return self._built[name]


def guest_client(world: World, role: str) -> Any:
    """The browser of the tutor, the learner or the sending employer of centre A's mobility
    (``world.guest_mobility``): it opened that person's e-mailed link, as they would, and holds
    the guest session it gives."""
    from django.test import Client

    from mobility.guests.services import links as guests

    link = getattr(world, f"guest_{role}_link")
    client = Client()
    url = guests.issue_link_url(link.pk)
    response = client.get(url[url.index("/t/") :])
    assert response.status_code == 302, f"the {role}'s link did not open"
    return client


def tutor_client(world: World) -> Any:
    """The browser of the host tutor of centre A's mobility: THE place where the tutor's access is
    set up for the matrix (the guest session of their link)."""
    return guest_client(world, "tutor")
