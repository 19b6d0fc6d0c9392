"""Factories for what a certificate is made of: agreements, evaluations, recognitions.

``evaluated_mobility()`` builds a mobility ready for its certificate: signed learning agreement with
outcomes, a validated tutor evaluation with every Europass section, recognised units.
"""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from mobility.agreements.models import AgreementOutcome, LearningAgreement, Signature
from mobility.evaluations.models import (
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    OutcomeAssessment,
    Recognition,
)
from mobility.mobilities.models import MobilityGroup, MobilityStatus
from tests import factories as base


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = LearningAgreement

    mobility = factory.SubFactory(base.MobilityFactory)
    version = 1
    status = "signed"
    language = "fr"
    objectives = "Découvrir la boulangerie espagnole et ses pains traditionnels."
    tasks = "Pétrissage, façonnage, cuisson au four à sole."
    hours_per_week = 35
    working_schedule = "Du lundi au vendredi, 6 h – 13 h"
    assessor = "Tutrice en entreprise"
    assessment_method = "Observation en situation de travail"
    assessment_timing = "Dernière semaine"
    recognition_arrangements = "Validation de l'unité UP2 par le jury du CFA."
    placement_language = "es"


class OutcomeFactory(DjangoModelFactory):
    class Meta:
        model = AgreementOutcome

    agreement = factory.SubFactory(AgreementFactory)
    description = factory.Sequence(lambda n: f"Réaliser une fournée de pains de campagne n°{n}")
    order = factory.Sequence(lambda n: n)


class EvaluationFactory(DjangoModelFactory):
    class Meta:
        model = Evaluation

    mobility = factory.SubFactory(base.MobilityFactory)
    kind = EvaluationKind.TUTOR
    status = EvaluationStatus.VALIDATED
    language = "es"
    author_name = "Marta Giménez"
    tasks_carried_out = "Elaboración de pan de masa madre y bollería."
    job_related_skills = "Domina el formado de barras y hogazas."
    language_skills = [
        {
            "language": "es",
            "listening": "B1",
            "reading": "B1",
            "spoken_interaction": "A2",
            "spoken_production": "A2",
            "writing": "A2",
        }
    ]
    digital_skills = {"information": "basic", "communication": "independent"}
    organisational_skills = "Organise son poste de travail seul."
    communication_skills = "Communique avec l'équipe en espagnol simple."
    other_skills = "Ponctualité exemplaire."
    attended_from = datetime.date(2026, 3, 2)
    attended_to = datetime.date(2026, 3, 27)
    absence_days = 1
    overall_comment = "Très bon stage."
    submitted_at = factory.LazyFunction(timezone.now)
    reviewed_at = factory.LazyFunction(timezone.now)


def evaluated_mobility(*, centre=None, group=None, participant=None, outcomes: int = 2, **fields):
    """A mobility in status "evaluated", with everything its certificate prints."""
    if participant is None:
        participant = base.LearnerFactory(**({"centre": centre} if centre is not None else {}))
    mobility = base.MobilityFactory(
        participant=participant,
        status=MobilityStatus.EVALUATED,
        actual_start=datetime.date(2026, 3, 2),
        actual_end=datetime.date(2026, 3, 27),
        group=group,
        **{"main_language": "es", **fields},
    )
    agreement = AgreementFactory(mobility=mobility)
    unit = base.UnitFactory(qualification=participant.qualification, code=f"UP{mobility.pk}")
    agreement.units.add(unit)
    evaluation = EvaluationFactory(mobility=mobility)
    for index in range(outcomes):
        outcome = OutcomeFactory(agreement=agreement, unit=unit if index == 0 else None)
        OutcomeAssessment.objects.create(
            evaluation=evaluation, outcome=outcome, result="achieved" if index == 0 else "partly"
        )
    for party, name in (
        ("learner", participant.full_name),
        ("sending", "Camille Rousseau"),
        ("host", "Marta Giménez"),
    ):
        Signature.objects.create(agreement=agreement, party=party, signer_name=name, method="in_app")
    Recognition.objects.create(
        mobility=mobility, unit=unit, decision="recognised", decided_on=datetime.date(2026, 4, 15)
    )
    return mobility


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = MobilityGroup

    centre = factory.SubFactory(base.CentreFactory)
    name = factory.Sequence(lambda n: f"Valencia printemps 2026 n°{n}")
    activity_type = factory.LazyFunction(base.activity)
    host_city = "Valencia"
    host_country = "ES"
    planned_start = datetime.date(2026, 3, 2)
    planned_end = datetime.date(2026, 3, 27)
