"""Every API route × every role of the cast: the status each one gets.

The routes come from the resolver: a new API route without an entry here fails. Members call
with a personal token (what scripts do); the session gives the same answers (see test_auth).
Each request runs in a savepoint that is rolled back, so one role's write does not change what
the next role sees. Roles: anonymous, the host tutor (no account: a browser without
credentials, until tutors get a scoped session), referent of centre A, read-only staff of A,
referent of centre B (outsider), chamber administrator above A.
"""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from .conftest import token_for

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "tutor", "referent_a", "readonly_a", "referent_b", "chamber_admin")


def members(ok, *, readonly=None, outsider=404, anonymous=401):
    """centre A's object: A's staff get ``ok``; read-only staff ``readonly`` (default ``ok``)."""
    return {
        "anonymous": anonymous,
        "tutor": anonymous,
        "referent_a": ok,
        "readonly_a": ok if readonly is None else readonly,
        "referent_b": outsider,
        "chamber_admin": ok,
    }


def mine(ok):
    """Referent A's own object (an export): nobody else's, not even their chamber's admin."""
    return {**members(ok, readonly=404), "chamber_admin": 404}


def everyone(status):
    return dict.fromkeys(ROLES, status)


#: route name → [(method, url builder, body builder or None, expected per role)]
MATRIX = {
    "api:api-root": [("get", lambda w: "/api/v1/", None, members(200, outsider=200))],
    "api:me": [("get", lambda w: "/api/v1/me/", None, members(200, outsider=200))],
    "api:learner-list": [
        ("get", lambda w: "/api/v1/learners/", None, members(200, outsider=200)),
        (
            "post",
            lambda w: "/api/v1/learners/",
            lambda w: {"centre": w["centre"].pk, "first_name": "Léa", "last_name": "Martin"},
            # the outsider may not pick centre A: an invalid choice
            members(201, readonly=403, outsider=400),
        ),
    ],
    "api:learner-detail": [
        ("get", lambda w: f"/api/v1/learners/{w['learner'].pk}/", None, members(200)),
        (
            "patch",
            lambda w: f"/api/v1/learners/{w['learner'].pk}/",
            lambda w: {"trade": "Pâtisserie"},
            members(200, readonly=403),
        ),
        (
            "put",
            lambda w: f"/api/v1/learners/{w['learner'].pk}/",
            lambda w: {"first_name": "A", "last_name": "B"},
            members(200, readonly=403),
        ),
        (
            "delete",
            lambda w: f"/api/v1/learners/{w['learner'].pk}/",
            None,
            members(405, readonly=403, outsider=405),
        ),
    ],
    "api:mobility-list": [
        ("get", lambda w: "/api/v1/mobilities/", None, members(200, outsider=200)),
        (
            "post",
            lambda w: "/api/v1/mobilities/",
            lambda w: {
                "participant": w["learner"].pk,
                "activity_type": w["mobility"].activity_type_id,
                "host_organisation": w["host"].pk,
                "planned_start": "2026-06-01",
                "planned_end": "2026-06-26",
            },
            members(201, readonly=403, outsider=400),
        ),
    ],
    "api:mobility-detail": [
        ("get", lambda w: f"/api/v1/mobilities/{w['mobility'].pk}/", None, members(200)),
        (
            "patch",
            lambda w: f"/api/v1/mobilities/{w['mobility'].pk}/",
            lambda w: {"notes": "Bring boots"},
            members(200, readonly=403),
        ),
    ],
    "api:mobility-checklist": [
        ("get", lambda w: f"/api/v1/mobilities/{w['mobility'].pk}/checklist/", None, members(200))
    ],
    "api:mobility-checklist-item": [
        (
            "patch",
            lambda w: (
                f"/api/v1/mobilities/{w['mobility'].pk}/checklist/{w['mobility'].checklist.first().pk}/"
            ),
            lambda w: {"done": True},
            members(200, readonly=403),
        )
    ],
    "api:mobility-learning-agreement": [
        ("get", lambda w: f"/api/v1/mobilities/{w['mobility'].pk}/learning-agreement/", None, members(404)),
        (
            "put",
            lambda w: f"/api/v1/mobilities/{w['mobility'].pk}/learning-agreement/",
            lambda w: {"objectives": "Bake bread"},
            members(200, readonly=403),
        ),
    ],
    "api:mobility-transition": [
        (
            "post",
            lambda w: f"/api/v1/mobilities/{w['mobility'].pk}/transition/",
            lambda w: {"status": "planned"},
            members(200, readonly=403),
        )
    ],
    "api:document-list": [("get", lambda w: "/api/v1/documents/", None, members(200, outsider=200))],
    "api:document-detail": [
        ("get", lambda w: f"/api/v1/documents/{w['document'].pk}/", None, members(200)),
        ("delete", lambda w: f"/api/v1/documents/{w['document'].pk}/", None, members(204, readonly=403)),
    ],
    "api:document-download": [
        ("get", lambda w: f"/api/v1/documents/{w['document'].pk}/download/", None, members(200))
    ],
    "api:project-list": [
        ("get", lambda w: "/api/v1/projects/", None, members(200, outsider=200)),
        (
            "post",
            lambda w: "/api/v1/projects/",
            lambda w: {
                "organisation": w["centre"].pk,
                "title": "X",
                "start_date": "2026-01-01",
                "end_date": "2026-12-31",
            },
            members(201, readonly=403, outsider=400),
        ),
    ],
    "api:project-detail": [
        ("get", lambda w: f"/api/v1/projects/{w['project'].pk}/", None, members(200)),
        (
            "patch",
            lambda w: f"/api/v1/projects/{w['project'].pk}/",
            lambda w: {"title": "Y"},
            members(200, readonly=403),
        ),
    ],
    "api:activity-type-list": [
        ("get", lambda w: "/api/v1/activity-types/", None, members(200, outsider=200))
    ],
    "api:activity-type-detail": [
        (
            "get",
            lambda w: f"/api/v1/activity-types/{w['mobility'].activity_type_id}/",
            None,
            members(200, outsider=200),
        )
    ],
    "api:qualification-list": [
        ("get", lambda w: "/api/v1/qualifications/", None, members(200, outsider=200))
    ],
    "api:qualification-detail": [
        (
            "get",
            lambda w: f"/api/v1/qualifications/{w['learner'].qualification_id}/",
            None,
            members(200, outsider=200),
        )
    ],
    "api:document-type-list": [
        ("get", lambda w: "/api/v1/document-types/", None, members(200, outsider=200))
    ],
    "api:document-type-detail": [
        (
            "get",
            lambda w: f"/api/v1/document-types/{w['document'].document_type_id}/",
            None,
            members(200, outsider=200),
        )
    ],
    "api:export-list": [
        ("get", lambda w: "/api/v1/exports/", None, members(200, outsider=200)),
        (
            "post",
            lambda w: "/api/v1/exports/",
            lambda w: {"kind": "learners", "file_format": "csv"},
            # the outsider exports their own centre's learners
            members(202, readonly=403, outsider=202),
        ),
    ],
    "api:export-detail": [("get", lambda w: f"/api/v1/exports/{w['export'].pk}/", None, mine(200))],
    "api:export-download": [
        ("get", lambda w: f"/api/v1/exports/{w['export'].pk}/download/", None, mine(200))
    ],
    "api:certificate-list": [
        ("get", lambda w: "/api/v1/certificates/", None, members(200, outsider=200)),
        (
            "post",
            lambda w: "/api/v1/certificates/",
            lambda w: {"mobility": w["evaluated"].pk},
            # the outsider cannot name centre A's mobility: not found in their scope, a 400 naming it
            members(202, readonly=403, outsider=400),
        ),
    ],
    "api:certificate-detail": [
        ("get", lambda w: f"/api/v1/certificates/{w['certificate'].pk}/", None, members(200))
    ],
    "api:certificate-pdf": [
        ("get", lambda w: f"/api/v1/certificates/{w['certificate'].pk}/pdf/", None, members(200))
    ],
    "api:certificate-credential": [
        ("get", lambda w: f"/api/v1/certificates/{w['certificate'].pk}/credential/", None, members(200))
    ],
    "api:document-job-list": [("get", lambda w: "/api/v1/document-jobs/", None, members(200, outsider=200))],
    "api:document-job-detail": [
        ("get", lambda w: f"/api/v1/document-jobs/{w['certificate'].job.pk}/", None, members(200))
    ],
    "api:document-job-download": [
        ("get", lambda w: f"/api/v1/document-jobs/{w['certificate'].job.pk}/download/", None, members(200))
    ],
    "api:abroad-now-list": [("get", lambda w: "/api/v1/abroad-now/", None, members(200, outsider=200))],
    "api:not-found": [("get", lambda w: "/api/v1/nothing/", None, everyone(404))],
    "api-schema": [("get", lambda w: "/api/schema/", None, everyone(200))],
    "api-docs": [("get", lambda w: "/api/docs/", None, everyone(200))],
    "api-redoc": [("get", lambda w: "/api/redoc/", None, everyone(200))],
    "api-not-found": [("get", lambda w: "/api/v2/", None, everyone(404))],
}


def _api_route_names():
    def walk(patterns, prefix="", namespace=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), f"{namespace}{p.name}"

    return {name for route, name in walk(get_resolver().url_patterns) if route.startswith("api/")}


#: The directory's endpoints belong to the partners app: their matrix is tests/permissions/partners.py.
ELSEWHERE = {"api:organisation-list", "api:organisation-detail", "api:contact-list", "api:contact-detail"}
#: Recruitment's endpoints: tests/permissions/recruitment.py and tests/recruitment/test_api.py.
ELSEWHERE |= {"api:call-list", "api:call-detail", "api:application-list", "api:application-detail"}


def test_every_api_route_is_in_the_matrix():
    assert _api_route_names() - ELSEWHERE == set(MATRIX)


@pytest.fixture
def clients(referent_a, readonly_a, referent_b, chamber_admin):
    made = {"anonymous": APIClient(), "tutor": APIClient()}
    for role, user in (
        ("referent_a", referent_a),
        ("readonly_a", readonly_a),
        ("referent_b", referent_b),
        ("chamber_admin", chamber_admin),
    ):
        made[role] = APIClient()
        made[role].credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    return made


@pytest.fixture
def world(world_a, referent_a):
    from certification.services import certificates as services_certificates
    from certification.services import renders as certification
    from mobility.data.exports.jobs import export_job_request
    from tests.certification.factories import evaluated_mobility

    job = export_job_request(user=referent_a, kind="learners", file_format="csv", params={})
    centre = world_a["centre"]
    certificate = services_certificates.certificate_issue(
        mobility=evaluated_mobility(centre=centre, reference="MOB-API-CERT-1"), acting_user=referent_a
    )
    certification.document_job_run(job_id=certificate.job.pk)
    certificate.refresh_from_db()
    return {
        **world_a,
        "export": job,
        "evaluated": evaluated_mobility(centre=centre, reference="MOB-API-CERT-2"),
        "certificate": certificate,
    }


def test_every_route_answers_each_role_as_the_matrix_says(clients, world):
    """One test over the whole matrix: the world is built once, each request rolled back."""
    failures = []
    for name, entries in MATRIX.items():
        for method, url_of, body_of, expected in entries:
            url = url_of(world)
            body = body_of(world) if body_of else None
            for role in ROLES:
                with transaction.atomic():
                    call = getattr(clients[role], method)
                    response = call(url, body, format="json") if body is not None else call(url)
                    transaction.set_rollback(True)
                if response.status_code != expected[role]:
                    failures.append(
                        f"{name} {method.upper()} {url} — {role}: expected {expected[role]}, got {response.status_code}"
                    )
    assert not failures, "\n".join(failures)


SCOPES = ("read", "write", "documents")


def test_every_route_needs_the_scope_of_what_it_does(referent_a, world):
    """A file download needs ``documents``, another GET ``read``, anything else ``write``; a token
    without that scope gets a 403, a token with only that scope what the matrix says."""
    tokens = {scope: token_for(referent_a, scopes=[scope]) for scope in SCOPES}
    tokens["all"] = token_for(referent_a)
    failures = []
    for name, entries in MATRIX.items():
        for method, url_of, body_of, expected in entries:
            if not 200 <= expected["referent_a"] < 300 or name in PUBLIC:
                continue
            url, body = url_of(world), (body_of(world) if body_of else None)

            def call(token, method=method, url=url, body=body):
                client = APIClient()
                client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens[token]}")
                with transaction.atomic():
                    send = getattr(client, method)
                    response = send(url, body, format="json") if body is not None else send(url)
                    transaction.set_rollback(True)
                return response

            full = call("all")
            if "attachment" in full.get("Content-Disposition", ""):
                needed = "documents"
            else:
                needed = "read" if method == "get" else "write"
            for scope in SCOPES:
                got = call(scope).status_code
                want = expected["referent_a"] if scope == needed else 403
                if got != want:
                    failures.append(
                        f"{method.upper()} {url} with a “{scope}” token: expected {want}, got {got}"
                    )
    assert not failures, "\n".join(failures)


#: Routes anyone may call (the schema and its documentation pages): no token, no scope.
PUBLIC = {"api-schema", "api-docs", "api-redoc"}
