"""API test helpers: token-authenticated clients for the cast, and a small world in two centres."""

import datetime

import pytest
from rest_framework.test import APIClient

from mobility.catalogue.models import DocumentType
from mobility.documents import services
from mobility.mobilities import services as mobilities_services
from partners.accounts.tokens import ALL_SCOPES, api_token_create

from .. import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def token_for(user, name="script", scopes=ALL_SCOPES):
    _token, raw = api_token_create(user=user, name=name, expires_in_days=30, scopes=scopes, acting_user=user)
    return raw


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files of API tests go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def api_client():
    """An API client with no credentials."""
    return APIClient()


@pytest.fixture
def api_as():
    """``api_as(user)``: an API client sending a fresh personal token of ``user``."""

    def make(user, **headers):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}", **headers)
        return client

    return make


def _world_of(centre, referent, suffix):
    host = factories.HostCompanyFactory(name=f"Hôtel Ejemplo {suffix}")
    tutor = factories.ContactFactory(organisation=host)
    learner = factories.LearnerFactory(centre=centre, national_id=f"INE{suffix}001")
    project = factories.ProjectFactory(organisation=centre)
    mobility = mobilities_services.mobility_create(
        centre=centre,
        data={
            "participant": learner,
            "activity_type": factories.activity(),
            "host_organisation": host,
            "host_tutor": tutor,
            "project": project,
            "planned_start": datetime.date(2026, 3, 2),
            "planned_end": datetime.date(2026, 3, 27),
        },
        acting_user=referent,
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = services.document_upload(
        learner=learner,
        document_type=DocumentType.objects.order_by("id").first(),
        upload=SimpleUploadedFile("assurance.pdf", PDF, content_type="application/pdf"),
        mobility=mobility,
        acting_user=referent,
    )
    return {
        "centre": centre,
        "host": host,
        "tutor": tutor,
        "learner": learner,
        "project": project,
        "mobility": mobility,
        "document": document,
    }


@pytest.fixture
def world_a(centre_a, referent_a):
    return _world_of(centre_a, referent_a, "A")


@pytest.fixture
def world_b(centre_b, referent_b):
    return _world_of(centre_b, referent_b, "B")
