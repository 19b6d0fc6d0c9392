import pytest

from certification import demo
from certification.models import Certificate, CertificateStatus
from mobility.mobilities.models import MobilityStatus
from partners.accounts.models import Membership
from partners.accounts.roles import Role
from tests import factories as base

from .factories import evaluated_mobility

pytestmark = pytest.mark.django_db


@pytest.fixture
def certified(centre_a):
    base.MembershipFactory(organisation=centre_a, role=Role.REFERENT)
    mobility = evaluated_mobility(centre=centre_a)
    mobility.status = MobilityStatus.CERTIFIED
    mobility.save(update_fields=["status"])
    return mobility


def test_seeding_issues_and_renders_the_certified_mobilities_certificates(certified):
    context = {}
    demo.seed(context)
    certificate = Certificate.objects.get(mobility=certified)
    assert certificate.status == CertificateStatus.READY and certificate.file
    assert any(certificate.number in note for note in context["notes"])


def test_seeding_twice_issues_nothing_more(certified):
    demo.seed({})
    demo.seed({})
    assert Certificate.objects.filter(mobility=certified).count() == 1


def test_seeding_skips_a_mobility_nobody_may_certify(certified):
    Membership.objects.all().delete()
    demo.seed({})
    assert not Certificate.objects.exists()
