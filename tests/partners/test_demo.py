import pytest
from django.core.management import call_command

from partners.accounts.models import Membership, User
from partners.accounts.roles import Role
from partners.agreements import selectors
from partners.agreements.models import PartnershipAgreement
from partners.directory.models import Contact, Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

OUTSIDE_EUROPE = {"CA", "JP", "SN", "MA"}


@pytest.fixture
def seeded(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_demo_has_two_chambers_three_centres_and_one_account_per_role(seeded):
    valdoise = Organisation.objects.get(kind=OrganisationKind.NETWORK, short_name="CMA Valdoise")
    assert valdoise.children.filter(kind=OrganisationKind.TRAINING_CENTRE).count() == 3
    assert Organisation.objects.filter(kind=OrganisationKind.NETWORK).count() == 2
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.filter(is_superuser=True, email="operator@mobility.example").exists()


def test_the_demo_directory_has_40_host_companies_with_tutors_in_10_countries(seeded):
    valdoise = Organisation.objects.get(kind=OrganisationKind.NETWORK, short_name="CMA Valdoise")
    hosts = Organisation.objects.filter(kind=OrganisationKind.HOST_COMPANY, network=valdoise)
    countries = set(hosts.values_list("country", flat=True))
    assert hosts.count() >= 40
    assert len(countries) >= 10
    assert countries & OUTSIDE_EUROPE
    assert Contact.objects.filter(is_tutor=True, organisation__in=hosts).count() >= 40
    assert Organisation.objects.filter(kind=OrganisationKind.INTERMEDIARY, network=valdoise).exists()
    directory = Organisation.objects.exclude(
        kind__in=[OrganisationKind.NETWORK, OrganisationKind.TRAINING_CENTRE]
    )
    assert not directory.filter(owner_centre__isnull=True).exists()
    assert not Organisation.objects.filter(network__isnull=True).exists()


def test_seeding_again_adds_nothing_and_keeps_an_agreement_ending_soon(seeded):
    counts = (Organisation.objects.count(), Contact.objects.count(), PartnershipAgreement.objects.count())
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert (
        Organisation.objects.count(),
        Contact.objects.count(),
        PartnershipAgreement.objects.count(),
    ) == counts
    referent = User.objects.get(email="referent@montclar.example")
    assert selectors.agreement_expiring_for_user(user=referent).exists()
