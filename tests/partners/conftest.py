import pytest

from tests import factories


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def host_company_a(centre_a):
    """A host company of chamber A's shared directory, created by centre A."""
    return factories.DirectoryEntryFactory(
        owner_centre=centre_a,
        name="Bäckerei Müller GmbH",
        city="Freiburg im Breisgau",
        country="DE",
        oid="E10000042",
    )


@pytest.fixture
def host_company_b(centre_b):
    """A host company of chamber B's directory: invisible to chamber A."""
    return factories.DirectoryEntryFactory(
        owner_centre=centre_b, name="Panadería Norvelle S.L.", city="Girona"
    )


@pytest.fixture
def tutor_a(host_company_a, centre_a):
    return factories.ContactFactory(organisation=host_company_a, owner_centre=centre_a)
