import pytest
from django.core.management import call_command
from django.db.models import F

from mobility.learners.models import Learner
from mobility.mobilities.models import Mobility
from partners.accounts.access import get_access
from partners.accounts.models import User

pytestmark = pytest.mark.django_db


def test_seed_scale_loads_the_requested_sizes_with_consistent_tenancy():
    call_command("seed_scale", centres=4, learners=200, mobilities=120, hosts=30, seed=7, stdout=None)
    assert Learner.objects.count() == 200
    assert Mobility.objects.count() == 120
    # every mobility belongs to its participant's centre, and a referent reaches exactly one centre
    assert not Mobility.objects.exclude(centre_id=F("participant__centre_id")).exists()
    referent = User.objects.filter(email__startswith="referent").first()
    assert len(get_access(referent).centre_ids) == 1


def test_seed_scale_is_reproducible():
    call_command("seed_scale", centres=2, learners=50, mobilities=30, hosts=10, seed=11, stdout=None)
    first = list(Learner.objects.order_by("id").values_list("last_name", "date_of_birth"))
    Mobility.objects.all().delete()
    Learner.objects.all().delete()
    call_command("seed_scale", centres=2, learners=50, mobilities=30, hosts=10, seed=11, stdout=None)
    second = list(Learner.objects.order_by("id").values_list("last_name", "date_of_birth"))
    assert first == second
