import pytest

from mobility import demo
from mobility.models import Document, Learner, Mobility, MobilityGroup, MobilityStatus
from partners import demo as partners_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_small_centre(monkeypatch):
    """One centre, one mobility per status and a small group: the whole demo takes a minute."""
    centre = "CFA des Métiers de Montclar"
    seen: set[str] = set()
    plans = [p for p in demo.PLANS if not (p.status in seen or seen.add(p.status))]
    monkeypatch.setattr(demo, "LEARNERS_PER_CENTRE", {centre: 20})
    monkeypatch.setattr(demo, "PLANS", plans)
    monkeypatch.setattr(
        demo, "GROUPS", {centre: [("upcoming", 24, 3, "Aurélie Marchand, +33 6 12 34 56 78")]}
    )


def test_the_demo_has_every_status_minors_documents_and_a_group_and_runs_twice(one_small_centre):
    context: dict = {}
    partners_demo.seed(context)
    demo.seed(context)
    statuses = set(Mobility.objects.values_list("status", flat=True))
    assert statuses == set(MobilityStatus.values)
    assert any(learner.is_minor for learner in Learner.objects.all())
    assert Document.objects.exists() and MobilityGroup.objects.count() == 1
    counts = (Learner.objects.count(), Mobility.objects.count(), Document.objects.count())
    demo.seed(context)
    assert (Learner.objects.count(), Mobility.objects.count(), Document.objects.count()) == counts
