import pytest

from mobility.agreements import guidance, services
from mobility.agreements.models import AgreementStatus, LearningAgreement, Party, SignatureMethod

from .. import factories

pytestmark = pytest.mark.django_db


def _agreement_post(unit=None, outcomes=(), **extra):
    data = {
        "language": "fr",
        "placement_language": "es",
        "objectives": "Travailler dans une boulangerie espagnole",
        "tasks": "Pétrissage\nFaçonnage",
        "hours_per_week": "35",
        "working_schedule": "",
        "assessor": "Le tuteur d'accueil",
        "assessment_method": "Grille d'évaluation en fin de stage",
        "assessment_timing": "Dernière semaine",
        "recognition_arrangements": "Prise en compte par le jury",
        "outcomes-TOTAL_FORMS": str(len(outcomes)),
        "outcomes-INITIAL_FORMS": "0",
        "outcomes-MIN_NUM_FORMS": "0",
        "outcomes-MAX_NUM_FORMS": "1000",
        **extra,
    }
    if unit is not None:
        data["units"] = [unit.pk]
    for index, text in enumerate(outcomes):
        data[f"outcomes-{index}-description"] = text
        data[f"outcomes-{index}-category"] = "skills"
        data[f"outcomes-{index}-unit"] = unit.pk if unit else ""
    return data


def test_a_referent_writes_the_agreement_with_units_and_outcomes(client_of, referent_a, mobility, learner):
    unit = learner.qualification.units.get()
    response = client_of(referent_a).post(
        f"/mobilities/{mobility.pk}/agreement/",
        _agreement_post(unit, ["Réalise une pâte levée en suivant la fiche technique", ""]),
    )
    assert response.status_code == 302
    agreement = LearningAgreement.objects.get(mobility=mobility)
    assert agreement.version == 1 and list(agreement.units.all()) == [unit]
    assert [o.description for o in agreement.outcomes.all()] == [
        "Réalise une pâte levée en suivant la fiche technique"
    ]


def test_a_change_after_a_signature_makes_version_2_and_version_1_stays_readable(
    client_of, referent_a, mobility, agreement
):
    services.agreement_sign(
        agreement=agreement,
        party=Party.LEARNER,
        signer_name="Léa",
        method=SignatureMethod.IN_APP,
        acting_user=referent_a,
    )
    client = client_of(referent_a)
    response = client.post(
        f"/mobilities/{mobility.pk}/agreement/",
        _agreement_post(outcomes=["Façonne des baguettes régulières"]),
    )
    assert response.status_code == 302
    versions = list(LearningAgreement.objects.filter(mobility=mobility).order_by("version"))
    assert [(v.version, v.status) for v in versions] == [
        (1, AgreementStatus.SUPERSEDED),
        (2, AgreementStatus.DRAFT),
    ]
    old = client.get(f"/agreements/{versions[0].pk}/")
    assert old.status_code == 200
    assert "Travailler en boulangerie espagnole" in old.content.decode()
    assert b"replaced by a newer one" in old.content


def test_saving_a_signed_version_unchanged_keeps_its_signatures(referent_a, mobility, agreement):
    services.agreement_sign(
        agreement=agreement,
        party=Party.LEARNER,
        signer_name="Léa",
        method=SignatureMethod.IN_APP,
        acting_user=referent_a,
    )
    same = services.agreement_save(
        mobility=mobility,
        data={"objectives": agreement.objectives},
        outcomes=[{"description": o.description, "category": o.category} for o in agreement.outcomes.all()],
        units=[],
        acting_user=referent_a,
    )
    assert same.pk == agreement.pk and same.signatures.count() == 1


def test_the_suggested_outcomes_of_a_unit_are_added_to_the_form_without_saving(
    client_of, referent_a, mobility, learner
):
    unit = learner.qualification.units.get()
    data = _agreement_post(outcomes=["Mon acquis déjà écrit"], suggest=f"unit-{unit.pk}")
    response = client_of(referent_a).post(f"/mobilities/{mobility.pk}/agreement/", data)
    assert response.status_code == 200
    rows = [form.initial.get("description") for form in response.context["formset"].forms if form.initial]
    assert rows == [
        "Mon acquis déjà écrit",
        "Réalise une pâte levée en suivant la fiche technique",
        "Façonne des baguettes régulières",
    ]
    assert [str(u) for u in response.context["form"].initial["units"]] == [str(unit.pk)]
    assert not LearningAgreement.objects.exists()


def test_the_suggested_objectives_of_the_activity_are_added_in_the_agreements_language(
    client_of, referent_a, mobility
):
    data = _agreement_post(objectives="", suggest="objectives", language="de")
    response = client_of(referent_a).post(f"/mobilities/{mobility.pk}/agreement/", data)
    assert response.context["form"].initial["objectives"].startswith("In einer realen Arbeitssituation")


def test_an_invalid_outcome_row_keeps_everything_typed(client_of, referent_a, mobility, learner):
    stranger_unit = factories.UnitFactory()
    data = _agreement_post(outcomes=["Réalise une pâte"])
    data["outcomes-0-unit"] = stranger_unit.pk
    response = client_of(referent_a).post(f"/mobilities/{mobility.pk}/agreement/", data)
    assert response.status_code == 400
    assert "Travailler dans une boulangerie espagnole" in response.content.decode()
    assert not LearningAgreement.objects.exists()


def test_the_advice_points_at_vague_outcomes_and_a_missing_evaluation_plan(mobility, referent_a):
    agreement = services.agreement_save(
        mobility=mobility,
        data={"objectives": "x", "language": "fr"},
        outcomes=[
            {"description": "Apprendre la boulangerie"},
            {"description": "Réalise une pâte levée selon la fiche"},
        ],
        units=None,
        acting_user=referent_a,
    )
    advice = " ".join(guidance.agreement_advice(agreement=agreement, mobility=mobility))
    assert "Outcome 1 uses “apprendre”" in advice
    assert "Outcome 2" not in advice
    assert "who assesses, how, and when" in advice


def test_too_many_outcomes_for_a_short_stay_are_pointed_out(mobility, referent_a):
    outcomes = [{"description": f"Réalise la tâche numéro {n} selon la fiche"} for n in range(12)]
    agreement = services.agreement_save(
        mobility=mobility, data={"objectives": "x"}, outcomes=outcomes, units=None, acting_user=referent_a
    )
    advice = " ".join(guidance.agreement_advice(agreement=agreement, mobility=mobility))
    assert "12 outcomes for 26 days" in advice


def test_read_only_staff_cannot_open_the_agreement_form(client_of, readonly_a, mobility):
    assert client_of(readonly_a).get(f"/mobilities/{mobility.pk}/agreement/").status_code == 403


def test_downloading_a_signature_scan_is_audited_with_the_learner_and_its_centre(
    client_of, referent_a, readonly_a, mobility, agreement
):
    from partners.audit.models import AuditEntry

    from .conftest import pdf

    signature = services.agreement_sign(
        agreement=agreement,
        party=Party.HOST,
        signer_name="Lucía Ortega",
        method=SignatureMethod.OUTSIDE,
        scan=pdf("firma.pdf"),
        acting_user=referent_a,
    )
    assert client_of(readonly_a).get(f"/signatures/{signature.pk}/scan/").status_code == 200
    entry = AuditEntry.objects.get(action="signature.download")
    assert (entry.actor, entry.target_type, entry.target_id) == (
        readonly_a,
        "mobility.Signature",
        str(signature.pk),
    )
    assert (entry.centre_id, entry.data["learner"], entry.data["mobility"]) == (
        mobility.centre_id,
        mobility.participant_id,
        mobility.pk,
    )
