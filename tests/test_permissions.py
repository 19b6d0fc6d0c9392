"""Every URL pattern, for every role of the cast, gets the outcome the matrix says.

The patterns come from the root resolver (pages, allauth, MFA, the API, the admin), so a new
route without a matrix entry fails here. The matrix lives in ``tests/permissions/`` (one module
per app; see its ``__init__`` for the format).

Each role's request runs inside a savepoint that is rolled back: a POST by one role does not
change what the next one sees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from partners.audit.models import AuditEntry

from .permissions import collect
from .permissions.base import LOGIN, ROLES, Family, Route, World, guest_client, tutor_client


@dataclass(frozen=True)
class Pattern:
    key: str  # the route name (with namespace), or the route string when unnamed
    route: str  # the full route string, for reading
    regex: str  # the full regular expression, to build a URL from parameters
    params: tuple[str, ...]


def _walk(patterns, route="", regex="", namespace=""):
    for p in patterns:
        part_regex = p.pattern.regex.pattern.lstrip("^")
        part_regex = re.sub(r"(\\Z|\$)$", "", part_regex)
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, route + str(p.pattern), regex + part_regex, ns)
        elif isinstance(p, URLPattern):
            full_regex = regex + part_regex
            params = tuple(re.findall(r"\(\?P<(\w+)>", full_regex))
            full_route = route + str(p.pattern)
            key = f"{namespace}{p.name}" if p.name else full_route
            yield Pattern(key=key, route=full_route, regex=full_regex, params=params)


def all_patterns() -> list[Pattern]:
    return list(_walk(get_resolver().url_patterns))


def _fill(regex: str, values: dict) -> str:
    """Turns a pattern's regular expression into a URL, putting ``values`` in its named groups."""
    out, i = [], 0
    while i < len(regex):
        match = re.compile(r"\(\?P<(\w+)>").match(regex, i)
        if match:
            depth, j = 1, match.end()
            while depth:
                depth += {"(": 1, ")": -1}.get(regex[j], 0) if regex[j - 1] != "\\" else 0
                j += 1
            body = regex[match.end() : j - 1]
            value = str(values[match.group(1)])
            if body.startswith("\\.") and not value.startswith("."):
                value = "." + value  # format suffixes ("json" → ".json")
            out.append(value)
            i = j
            continue
        out.append(regex[i])
        i += 1
    url = "".join(out)
    url = url.replace("/?", "/").replace("\\.", ".").replace("\\", "")
    return "/" + url.lstrip("^")


ROUTES, FAMILIES = collect()
PATTERNS = all_patterns()


def entry_for(pattern: Pattern) -> Route | Family | None:
    if pattern.key in ROUTES:
        return ROUTES[pattern.key]
    return next((f for f in FAMILIES if f.matches(pattern.key)), None)


def outcome(response) -> int | str:
    if response.status_code in (301, 302, 303, 307, 308):
        target = urlparse(response["Location"]).path
        if target in (reverse("account_login"), reverse("admin:login")):
            return LOGIN
    return response.status_code


def _matches(expected, got) -> bool:
    return got in expected if isinstance(expected, tuple) else got == expected


def test_every_route_is_in_the_matrix():
    missing = sorted({p.key for p in PATTERNS if entry_for(p) is None})
    assert not missing, "routes missing from tests/permissions/: " + ", ".join(missing)


def test_every_matrix_entry_names_a_route():
    keys = {p.key for p in PATTERNS}
    stale = sorted(k for k in ROUTES if k not in keys)
    stale += sorted(f.pattern for f in FAMILIES if not any(f.matches(k) for k in keys))
    assert not stale, "matrix entries naming no route: " + ", ".join(stale)


def test_a_route_the_matrix_does_not_know_is_reported():
    unknown = Pattern(key="mobility:not-in-the-matrix", route="nowhere/", regex="nowhere/", params=())
    assert entry_for(unknown) is None


def test_the_matrix_covers_the_admin_allauth_mfa_and_api():
    keys = {p.key for p in PATTERNS}
    for expected in (
        "admin:index",
        "account_login",
        "mfa_activate_totp",
        "api:api-root",
        "api:organisation-list",
    ):
        assert expected in keys


@pytest.fixture
def world(request, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    names = ["chamber_a", "chamber_b", "centre_a", "centre_a2", "centre_b"]
    names += ["referent_a", "readonly_a", "centre_admin_a", "referent_b", "chamber_admin", "operator"]
    return World(cast={n: request.getfixturevalue(n) for n in names}, tmp_path=tmp_path)


def clients(world: World) -> dict[str, Client]:
    made = {
        "anonymous": Client(),
        "tutor": tutor_client(world),
        "learner": guest_client(world, "learner"),
        "employer": guest_client(world, "employer"),
    }
    for role in ROLES:
        if role not in made:
            made[role] = Client()
            made[role].force_login(getattr(world, role))
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", PATTERNS, ids=[f"{p.key}~{p.route}" for p in PATTERNS])
def test_route_answers_each_role_as_the_matrix_says(pattern: Pattern, world: World):
    entry = entry_for(pattern)
    if entry is None:
        pytest.fail(f"{pattern.key} is not in the matrix (tests/permissions/)")
    if isinstance(entry, Route):
        values = entry.kwargs(world) if entry.kwargs else {}
        data = entry.data(world) if entry.data else {}
        query = entry.query(world) if entry.query else ""
    else:
        values = entry.kwargs(world, pattern.key) if entry.kwargs else {}
        data, query = {}, ""
    values = {"format": "json", **values}
    missing = [p for p in pattern.params if p not in values]
    assert not missing, f"{pattern.key}: the matrix gives no value for {missing}"
    url = _fill(pattern.regex, values)
    resolved = resolve(urlparse(url).path)
    assert resolved.route == pattern.route or re.fullmatch(pattern.regex, url.lstrip("/")), (
        f"{url} does not reach {pattern.route}"
    )
    if query:
        url = f"{url}?{query}"

    failures = []
    cast = clients(world)
    markers = learner_markers(world, names=pattern.key not in SHOWS_THE_HOLDER)
    for role, client in cast.items():
        with transaction.atomic():
            last = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
            response = getattr(client, entry.method)(url, data) if entry.method != "get" else client.get(url)
            audited = any(
                map(is_taking_away, AuditEntry.objects.filter(id__gt=last).values_list("action", flat=True))
            )
            transaction.set_rollback(True)
        got = outcome(response)
        if not _matches(entry.expect[role], got):
            failures.append(f"{role}: expected {entry.expect[role]}, got {got}")
        if is_file(response) and pattern.key not in FILES_WITHOUT_PERSONAL_DATA and not audited:
            failures.append(f"{role}: a file was sent and no audit entry says who took it")
        if role in OUTSIDERS:
            leaked = [m for m in markers if m in readable_body(response)]
            if leaked:
                failures.append(f"{role}: the answer shows centre A's learner data {leaked}")
    assert not failures, f"{entry.method.upper()} {url}\n  " + "\n  ".join(failures)


#: Files that hold no personal data: blank import templates.
FILES_WITHOUT_PERSONAL_DATA = frozenset({"data:import-template"})


def is_taking_away(action: str) -> bool:
    """Audit actions that record data leaving the platform: a download, an export."""
    return action.endswith(".download") or action in ("data.export", "learner.personal_data_export")


def is_file(response) -> bool:
    """A file handed over (a download), as opposed to a page or a JSON answer."""
    return response.status_code == 200 and "attachment" in response.get("Content-Disposition", "")


#: Who must never see anything of centre A's learners: a stranger, another centre's referent, the
#: operator without membership.
OUTSIDERS = ("anonymous", "referent_b", "operator")


#: The public verification page names the holder of the certificate whose number was typed (what
#: a verifier checks against the document in hand); no other personal detail.
SHOWS_THE_HOLDER = frozenset({"certification:verify"})


def learner_markers(world: World, *, names: bool = True) -> list[str]:
    """What would identify centre A's learners in a page: names, e-mail addresses, ids (raw and
    HTML-escaped)."""
    from django.utils.html import escape

    from mobility.learners.models import Learner

    centres = [world.centre_a.pk, world.centre_a2.pk]
    markers: set[str] = set()
    for learner in Learner.objects.filter(centre_id__in=centres):
        for value in (
            learner.email,
            learner.guardian_email,
            learner.national_id,
            *(
                (
                    f"{learner.first_name} {learner.last_name}",
                    f"{learner.last_name.upper()} {learner.first_name}",
                )
                if names
                else ()
            ),
        ):
            if value and len(value) > 4:
                markers |= {value, str(escape(value))}
    return sorted(markers)


def readable_body(response) -> str:
    """The text of an answer (pages, JSON, CSV); files in binary formats are not read."""
    if getattr(response, "streaming", False):
        kind = response.get("Content-Type", "")
        if not kind.startswith(("text/", "application/json")):
            return ""
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


@pytest.mark.django_db
def test_the_learner_markers_are_found_where_the_data_is_shown(world: World):
    """The leak check above can fail: centre A's referent does see the markers on the learner's page."""
    client = Client()
    client.force_login(world.referent_a)
    response = client.get(reverse("mobility:learner-detail", args=[world.learner.pk]))
    body = readable_body(response)
    assert [m for m in learner_markers(world) if m in body]
