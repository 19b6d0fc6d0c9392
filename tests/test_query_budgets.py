"""Query budgets: every page of the referent, every guest page and every list of the API costs a
number of queries that stays under a stated ceiling and does not grow with the data.

The routes come from the route × role matrix (``tests/permissions/``): every GET route of the
referent's pages (``mobility:``, ``partners:``, ``data:``, ``evaluations:``, ``certification:``,
the dashboard), of the guest pages (``guest:``) and of the API's lists, requested by the first role
the matrix says it answers with a 200 (centre A's referent, else the chamber's administrator, else
the guest whose page it is). Each is requested once on the matrix's world (with one learner more, so that every list and section
holds a row), then again after centre A
has received three more learners and mobilities, each with its checklist, follow-ups, documents and
history: the second count must not exceed the first, and both must stay under the ceiling.

Every count includes the five queries of the request itself (session, user, memberships, the
centres they reach); ``CEILINGS`` names the pages allowed more than ``DEFAULT``.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests import test_permissions as matrix
from tests.test_permissions import PATTERNS, Pattern, clients, entry_for

from .permissions.base import GUESTS, Route

#: The matrix's world of centre A (its cast and lazily built objects).
world = matrix.world

#: The pages in scope: the referent's, the guests', the API's lists.
SCOPE = re.compile(r"^(dashboard$|mobility:|partners:|data:|evaluations:|certification:|guest:|api:.*-list$)")

#: Ceilings for the lists (the goal: 8 each, the request's own four or five queries included; the
#: mobility list, with its five filter lists, is named below).
LISTS = 9
#: Every other page unless named below (the guests' evaluation form is the largest: 18).
DEFAULT = 18

CEILINGS: dict[str, int] = {
    # the pages that show a mobility's whole situation on one screen: the mobility page's sections
    # (its agreement, evaluations, documents with the parental consent, follow-ups, history, e-mails,
    # links, recognition, grant, incidents, end-of-stay report, certificates and their jobs)
    "mobility:mobility-detail": 19,
    # panels: departures, documents, checklists, follow-ups, evaluations, host confirmations,
    # agreements and quality labels expiring, open calls and applications awaiting scoring
    "dashboard": 17,
    "mobility:learner-detail": 12,
    "mobility:group-detail": 16,
    "mobility:project-detail": 13,
    "mobility:timeline": 8,
    # the agreement version with its outcomes, the mobility, the languages it is translated into
    "mobility:agreement-translate": 8,
    "mobility:learner-list": LISTS,
    "mobility:mobility-list": 11,
    "mobility:group-list": LISTS,
    "mobility:project-list": LISTS,
    "partners:organisation-list": LISTS,
    "partners:agreement-list": LISTS,
    "partners:user-list": LISTS,
    "data:export-list": LISTS,
    "certification:job-list": LISTS,
    # the pickers' searches: one query for the matches, whatever the size of the directory
    "partners:organisation-picker": LISTS,
    "mobility:picker-contacts": LISTS,
    "mobility:picker-learners": LISTS,
}


def _budget(key: str) -> int:
    if key in CEILINGS:
        return CEILINGS[key]
    if key.startswith("api:"):
        return LISTS
    return DEFAULT


def _role(entry: Route) -> str | None:
    if entry.method != "get":
        return None
    for role in ("referent_a", "chamber_admin", *GUESTS):
        outcome = entry.expect.get(role)
        if outcome == 200 or (isinstance(outcome, tuple) and 200 in outcome):
            return role
    return None


def _cases() -> list[tuple[Pattern, str]]:
    cases = []
    for pattern in PATTERNS:
        entry = entry_for(pattern)
        if not SCOPE.search(pattern.key) or not isinstance(entry, Route):
            continue
        role = _role(entry)
        if role is not None:
            cases.append((pattern, role))
    return cases


CASES = _cases()


def _more_of_centre_a(world, *, learners: int) -> None:
    """More learners of centre A, each with a mobility and its checklist, and two more
    documents and a recorded follow-up on every mobility the page's world holds: what a page that
    read them row by row would pay for."""
    from mobility.mobilities import services as mobilities_services
    from mobility.mobilities.models import Mobility

    from .mobility.test_mobility_pages import _fill as fill

    shown = [m for m in world._built.values() if isinstance(m, Mobility)]
    for index in range(learners):
        learner = factories.LearnerFactory(centre=world.centre_a)
        shown.append(
            mobilities_services.mobility_create(
                centre=world.centre_a,
                data={
                    "participant": learner,
                    "activity_type": factories.activity(),
                    "host_organisation": world.host_company,
                    "host_tutor": world.tutor_contact,
                    "planned_start": datetime.date(2026, 4, 6 + index),
                    "planned_end": datetime.date(2026, 5, 1 + index),
                },
                acting_user=world.referent_a,
            )
        )
    for mobility in shown:
        fill(mobility, world.referent_a, documents=2, followups=1)


def _count(client, url: str) -> tuple[int, int, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured), [q["sql"][:160] for q in captured.captured_queries]


def test_the_scope_holds_the_pages_the_issue_names():
    keys = {pattern.key for pattern, _role in CASES}
    for key in (
        "dashboard",
        "mobility:mobility-detail",
        "mobility:learner-list",
        "mobility:mobility-list",
        "guest:mobility",
        "mobility:agreement-translate",
        "api:learner-list",
        "api:mobility-list",
        "partners:organisation-picker",
        "mobility:picker-learners",
    ):
        assert key in keys
    assert all(k in keys for k in CEILINGS), sorted(set(CEILINGS) - keys)


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[f"{p.key}~{role}" for p, role in CASES])
def test_the_page_keeps_to_its_query_budget(case, world):
    pattern, role = case
    entry = entry_for(pattern)
    values = {"format": "json", **(entry.kwargs(world) if entry.kwargs else {})}
    url = matrix._fill(pattern.regex, values)
    if entry.query:
        url = f"{url}?{entry.query(world)}"
    client = clients(world)[role]
    _more_of_centre_a(world, learners=1)  # every list and section holds a row already
    client.get(url)  # what is done once per process or per session (caches, a session's first write)
    status, first, before = _count(client, url)
    assert status == 200, f"GET {url} as {role} answered {status}"
    _more_of_centre_a(world, learners=3)
    status, second, queries = _count(client, url)
    assert status == 200
    budget = _budget(pattern.key)
    assert second <= first, f"GET {url}: {first} queries, then {second} with more data:\n" + "\n".join(
        q for q in queries if q not in before
    )
    assert second <= budget, f"GET {url}: {second} queries, over its budget of {budget}:\n" + "\n".join(
        queries
    )


#: The forms that let one choose a host, a partner or learners (and the group page, which offers a
#: host per member): they carry the chosen entries only once the lists are long.
PICKER_PAGES = (
    "/mobilities/new/",
    "/mobilities/{mobility}/edit/",
    "/groups/new/",
    "/groups/{group}/",
    "/groups/{group}/members/",
    "/learners/new/",
    "/partners/agreements/new/",
)


def _directory_and_learners(world, *, hosts: int, learners: int, start: int) -> None:
    from partners.directory.models import Organisation, OrganisationKind

    kinds = (OrganisationKind.HOST_COMPANY, OrganisationKind.SENDING_EMPLOYER)
    Organisation.objects.bulk_create(
        Organisation(
            kind=kinds[i % 2],
            name=f"Entreprise {i:04d}",
            normalised_name=f"entreprise {i:04d}",
            city="Valencia",
            country="ES",
            network=world.chamber_a,
        )
        for i in range(start, start + hosts)
    )
    factories.LearnerFactory.create_batch(learners, centre=world.centre_a, qualification=None)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PICKER_PAGES)
def test_a_form_page_does_not_grow_with_the_directory_or_the_learners(path, world):
    from django.test import Client

    url = path.format(mobility=world.mobility.pk, group=world.mobility_group.pk)
    client = Client()
    client.force_login(world.referent_a)
    _directory_and_learners(world, hosts=80, learners=35, start=0)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        first = client.get(url)
    _directory_and_learners(world, hosts=500, learners=100, start=80)
    with CaptureQueriesContext(connection) as after:
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert len(after) <= len(before), f"GET {url}: {len(before)} queries, then {len(after)}"
    assert len(second.content) <= len(first.content) + 200, (
        f"GET {url} grew by {len(second.content) - len(first.content)} bytes"
    )
    assert b"Entreprise 0500" not in second.content
