import pytest

from mobility.demo import data as demo_data
from mobility.demo import seed as demo
from mobility.documents.models import Document
from mobility.learners.models import Learner
from mobility.mobilities.models import Mobility, MobilityGroup, MobilityStatus
from partners.demo import seed as partners_demo

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_small_centre(monkeypatch):
    """One centre, one mobility per status and a small group: the whole demo takes a minute."""
    centre = "CFA des Métiers de Montclar"
    seen: set[str] = set()
    plans = [p for p in demo_data.PLANS if not (p.status in seen or seen.add(p.status))]
    monkeypatch.setattr(demo_data, "LEARNERS_PER_CENTRE", {centre: 20})
    monkeypatch.setattr(demo_data, "PLANS", plans)
    monkeypatch.setattr(
        demo_data, "GROUPS", {centre: [("upcoming", 24, 3, "Aurélie Marchand, +33 6 12 34 56 78")]}
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


def test_the_demos_evaluated_mobilities_have_a_full_evaluation_and_recognised_units(one_small_centre):
    """So that a demo certificate shows every Europass section and the centre's recognition."""
    from mobility.evaluations.models import Evaluation, EvaluationKind, Recognition, RecognitionDecision

    context: dict = {}
    partners_demo.seed(context)
    demo.seed(context)
    done = Mobility.objects.filter(status__in=[MobilityStatus.EVALUATED, MobilityStatus.CERTIFIED])
    assert done.exists()
    for mobility in done:
        evaluation = Evaluation.objects.get(mobility=mobility, kind=EvaluationKind.TUTOR)
        assert evaluation.language_skills and evaluation.language_skills[0]["writing"]
        assert evaluation.digital_skills and evaluation.organisational_skills
        assert evaluation.communication_skills and evaluation.other_skills and evaluation.reviewed_by
        recognitions = Recognition.objects.filter(mobility=mobility)
        assert recognitions.exists()
        assert {r.decision for r in recognitions} == {RecognitionDecision.RECOGNISED}
        assert all(mobility.start <= r.decided_on for r in recognitions)


def test_the_demo_has_agreements_translated_for_german_or_spanish_tutors(one_small_centre):
    """So that a host tutor in the demo reads the agreement in their language, the original beside."""
    from mobility.agreements import translation
    from mobility.agreements.models import LearningAgreement

    context: dict = {}
    partners_demo.seed(context)
    demo.seed(context)
    translated = [
        a
        for a in LearningAgreement.objects.prefetch_related("outcomes")
        if {"de", "es"} & set(a.translations)
    ]
    assert translated
    for agreement in translated:
        for language in {"de", "es"} & set(agreement.translations):
            found = translation.translation_of(agreement=agreement, language=language)
            assert not found.outdated
            assert found.parts[1].current  # the tasks, in the tutor's language
