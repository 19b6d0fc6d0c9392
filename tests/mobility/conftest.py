"""Data the page tests share: a learner of centre A with a mobility ready to be worked on."""

import datetime

import pytest

from mobility.agreements import services
from mobility.groups import services as groups_services
from mobility.mobilities import services as mobilities_services

from .. import factories


@pytest.fixture(autouse=True)
def _pages_in_english(client):
    """These tests read the English wording, whatever language the cast prefers and the catalogues hold."""
    client.cookies["mobility_language"] = "en"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    """Uploaded files of a test go to a folder of its own."""
    settings.MEDIA_ROOT = tmp_path / "media"


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="scan.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def host(chamber_a, centre_a):
    """A host company of chamber A's directory (the network its centres pick hosts from)."""
    return factories.HostCompanyFactory(
        name="Panadería Sol S.L.", city="Valencia", country="ES", network=chamber_a, owner_centre=centre_a
    )


@pytest.fixture
def tutor(host):
    return factories.ContactFactory(organisation=host, first_name="Lucía", last_name="Ortega")


@pytest.fixture
def learner(centre_a):
    qualification = factories.QualificationFactory(code="CAP-BOUL", title="Boulanger")
    factories.UnitFactory(
        qualification=qualification,
        code="UP1",
        title="Préparation des produits",
        suggested_outcomes="Réalise une pâte levée en suivant la fiche technique\nFaçonne des baguettes régulières",
    )
    return factories.LearnerFactory(
        centre=centre_a, first_name="Léa", last_name="Moreau", qualification=qualification
    )


@pytest.fixture
def mobility(centre_a, referent_a, learner, host, tutor):
    return mobilities_services.mobility_create(
        centre=centre_a,
        data={
            "participant": learner,
            "activity_type": factories.activity(),
            "host_organisation": host,
            "host_tutor": tutor,
            "planned_start": datetime.date(2026, 3, 2),
            "planned_end": datetime.date(2026, 3, 27),
        },
        acting_user=referent_a,
    )


@pytest.fixture
def project(centre_a):
    return factories.ProjectFactory(organisation=centre_a)


@pytest.fixture
def group(centre_a, referent_a, learner):
    return groups_services.group_create(
        centre=centre_a,
        data={
            "name": "Valence avril",
            "activity_type": factories.activity("group-exploration"),
            "host_city": "Valencia",
            "host_country": "ES",
            "planned_start": datetime.date(2026, 4, 13),
            "planned_end": datetime.date(2026, 4, 17),
        },
        participants=[learner],
        acting_user=referent_a,
    )


@pytest.fixture
def agreement(mobility, referent_a):
    return services.agreement_save(
        mobility=mobility,
        data={"objectives": "Travailler en boulangerie espagnole"},
        outcomes=[{"description": "Réalise une pâte levée en suivant la fiche technique"}],
        units=None,
        acting_user=referent_a,
    )
