"""Matrix of the REST API (``/api/v1/``) and of the API-token pages of the account settings.

Here every route is requested with GET by the browser session of each role (writes and tokens
per role: ``tests/api/test_route_matrix.py``). Without credentials the API answers 401; an
account without membership (the operator) 403; another centre's object 404.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from .. import factories
from .base import LOGIN, Route, everyone, expect, world_object

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

LIST = expect(anonymous=401, referent_b=200, readonly_a=200, referent_a=200, chamber_admin=200, operator=403)
OBJECT = expect(
    anonymous=401, referent_b=404, readonly_a=200, referent_a=200, chamber_admin=200, operator=403
)
# A catalogue entry shared by every network: every member sees it.
SHARED = LIST
# An export is its requester's alone.
MINE = expect(anonymous=401, referent_b=404, readonly_a=404, referent_a=200, chamber_admin=404, operator=403)


# --- Centre A's objects -----------------------------------------------------------------------
@world_object
def api_learner(w):
    return factories.LearnerFactory(centre=w.centre_a)


@world_object
def api_mobility(w):
    from mobility.mobilities import services

    host = factories.HostCompanyFactory()
    return services.mobility_create(
        centre=w.centre_a,
        data={
            "participant": w.api_learner,
            "activity_type": factories.activity(),
            "host_organisation": host,
            "host_tutor": factories.ContactFactory(organisation=host),
            "planned_start": datetime.date(2026, 3, 2),
            "planned_end": datetime.date(2026, 3, 27),
        },
        acting_user=w.referent_a,
    )


@world_object
def api_document(w):
    from mobility.catalogue.models import DocumentType
    from mobility.documents import services

    return services.document_upload(
        learner=w.api_learner,
        document_type=DocumentType.objects.order_by("id").first(),
        upload=SimpleUploadedFile("insurance.pdf", PDF, content_type="application/pdf"),
        mobility=w.api_mobility,
        acting_user=w.referent_a,
    )


@world_object
def api_project(w):
    return factories.ProjectFactory(organisation=w.centre_a)


@world_object
def api_export(w):
    from mobility.data.exports.jobs import export_job_request

    return export_job_request(user=w.referent_a, kind="learners", file_format="csv", params={})


@world_object
def api_token(w):
    from partners.accounts.tokens import api_token_create

    token, _raw = api_token_create(
        user=w.referent_a, name="script", expires_in_days=30, scopes=["read"], acting_user=w.referent_a
    )
    return token


@world_object
def api_certificate(w):
    """A rendered certificate of centre A."""
    from certification.services import certificates as services_certificates
    from certification.services import renders as services
    from tests.certification.factories import evaluated_mobility

    certificate = services_certificates.certificate_issue(
        mobility=evaluated_mobility(centre=w.centre_a, reference="MOB-API-CERT-1"), acting_user=w.referent_a
    )
    services.document_job_run(job_id=certificate.job.pk)
    certificate.refresh_from_db()
    return certificate


def pk(name):
    return lambda w: {"pk": getattr(w, name).pk}


ROUTES = [
    Route("api:me", LIST),
    Route("api:learner-list", LIST),
    Route("api:learner-detail", OBJECT, kwargs=pk("api_learner")),
    Route("api:mobility-list", LIST),
    Route("api:mobility-detail", OBJECT, kwargs=pk("api_mobility")),
    Route("api:mobility-checklist", OBJECT, kwargs=pk("api_mobility")),
    Route(
        "api:mobility-checklist-item",
        # PATCH only: a GET is a 405 (the method is refused before any lookup)
        expect(
            anonymous=401, referent_b=405, readonly_a=405, referent_a=405, chamber_admin=405, operator=403
        ),
        kwargs=lambda w: {"pk": w.api_mobility.pk, "item_id": w.api_mobility.checklist.first().pk},
    ),
    # No agreement written yet: a 404 that says so, for those who may see the mobility.
    Route(
        "api:mobility-learning-agreement",
        expect(
            anonymous=401, referent_b=404, readonly_a=404, referent_a=404, chamber_admin=404, operator=403
        ),
        kwargs=pk("api_mobility"),
    ),
    Route(
        "api:mobility-transition",
        expect(
            anonymous=401, referent_b=405, readonly_a=405, referent_a=405, chamber_admin=405, operator=403
        ),
        kwargs=pk("api_mobility"),
    ),
    Route("api:document-list", LIST),
    Route("api:document-detail", OBJECT, kwargs=pk("api_document")),
    Route("api:document-download", OBJECT, kwargs=pk("api_document")),
    Route("api:project-list", LIST),
    Route("api:project-detail", OBJECT, kwargs=pk("api_project")),
    Route("api:activity-type-list", SHARED),
    Route("api:activity-type-detail", SHARED, kwargs=lambda w: {"pk": factories.activity().pk}),
    Route("api:qualification-list", SHARED),
    Route("api:qualification-detail", SHARED, kwargs=lambda w: {"pk": factories.QualificationFactory().pk}),
    Route("api:document-type-list", SHARED),
    Route("api:document-type-detail", SHARED, kwargs=lambda w: {"pk": w.api_document.document_type_id}),
    Route("api:export-list", LIST),
    Route("api:export-detail", MINE, kwargs=pk("api_export")),
    Route("api:export-download", MINE, kwargs=pk("api_export")),
    Route("api:certificate-list", LIST),
    Route("api:certificate-detail", OBJECT, kwargs=pk("api_certificate")),
    Route("api:certificate-pdf", OBJECT, kwargs=pk("api_certificate")),
    Route("api:certificate-credential", OBJECT, kwargs=pk("api_certificate")),
    Route("api:document-job-list", LIST),
    Route("api:document-job-detail", OBJECT, kwargs=lambda w: {"pk": w.api_certificate.job.pk}),
    Route("api:document-job-download", OBJECT, kwargs=lambda w: {"pk": w.api_certificate.job.pk}),
    Route("api:abroad-now-list", LIST),
    Route("api:not-found", everyone(404)),
    # --- API tokens on the account settings page (POST only) ----------------------------------
    Route(
        "api_token_create",
        expect(referent_b=200, readonly_a=200, referent_a=200, chamber_admin=200, operator=200),
        method="post",
        data=lambda w: {"name": "Nightly sync", "expires_in_days": "30", "scopes": ["read"]},
    ),
    Route(
        "api_token_revoke",
        # only its owner revokes a token; anyone else gets a 404
        expect(
            anonymous=LOGIN, referent_b=404, readonly_a=404, referent_a=302, chamber_admin=404, operator=404
        ),
        kwargs=pk("api_token"),
        method="post",
    ),
]
