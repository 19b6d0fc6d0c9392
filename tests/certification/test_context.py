import pytest
from django.utils import timezone

from certification.pdf import context as ctx
from certification.selectors import mobility_for_certificate
from mobility.mobilities.models import MobilityStatus

from .factories import evaluated_mobility

pytestmark = pytest.mark.django_db


def _content(mobility, languages=("fr",), issued_by=None):
    return ctx.certificate_content(
        mobility=mobility_for_certificate(mobility_id=mobility.pk),
        languages=list(languages),
        number="EM-2026-TEST-TEST-TEST-TEST",
        version=1,
        issued_at=timezone.now(),
        issued_by=issued_by,
    )


def test_certificate_content_names_the_holder_without_contact_data(mobility_a):
    holder = _content(mobility_a)["holder"]
    assert holder["first_name"] == "Łukasz"
    assert holder["last_name"] == "Żółć"
    assert holder["date_of_birth"] == "2004-05-17"
    assert "email" not in holder and "phone" not in holder


def test_certificate_content_has_the_issuer_and_both_partners(mobility_a, centre_a):
    content = _content(mobility_a)
    assert content["issuer"]["name"] == centre_a.name
    assert content["sending"]["name"] == centre_a.name
    assert content["host"]["name"] == mobility_a.host_organisation.name
    assert content["host"]["reference_person"]["name"] == mobility_a.host_tutor.full_name


def test_sending_reference_person_falls_back_to_the_issuer(mobility_a, referent_a):
    person = _content(mobility_a, issued_by=referent_a)["sending"]["reference_person"]
    assert person["name"] == referent_a.get_full_name()


def test_certificate_content_describes_the_mobility(mobility_a):
    description = _content(mobility_a)["description"]
    assert description["start"] == "2026-03-02"
    assert description["end"] == "2026-03-27"
    assert description["duration_days"] == 26
    assert description["host_country"] == {"fr": "Espagne"}
    assert description["qualification"]["eqf_level"] == 3
    assert description["objective"]["fr"].startswith("Découvrir")


def test_skills_come_from_the_validated_tutor_evaluation(mobility_a):
    skills = _content(mobility_a)["skills"]
    assert skills["tasks"].startswith("Elaboración")
    assert skills["languages"][0]["code"] == "es"
    assert skills["languages"][0]["listening"] == "B1"
    assert {d["area_code"] for d in skills["digital"]} == {"information", "communication"}
    assert skills["organisational"] and skills["communication"] and skills["other"]


def test_a_draft_evaluation_gives_no_skills(mobility_a):
    mobility_a.evaluations.update(status="submitted")
    assert _content(mobility_a)["skills"] is None


def test_outcomes_carry_their_assessed_result(mobility_a):
    outcomes = _content(mobility_a)["outcomes"]
    assert [o["result_code"] for o in outcomes] == ["achieved", "partly"]
    assert outcomes[0]["unit"].startswith("UP")


def test_only_recognised_units_are_listed(mobility_a):
    mobility_a.recognitions.create(
        unit=mobility_a.agreements.first()
        .units.first()
        .qualification.units.create(code="UX9", title="Autre"),
        decision="not_recognised",
        decided_on="2026-04-15",
    )
    codes = [u["code"] for u in _content(mobility_a)["recognised_units"]]
    assert "UX9" not in codes and len(codes) == 1


def test_bilingual_content_gives_labels_in_both_languages(mobility_a):
    content = _content(mobility_a, languages=("fr", "en"))
    assert content["description"]["host_country"] == {"fr": "Espagne", "en": "Spain"}
    assert content["holder"]["nationality"] == {"fr": "France", "en": "France"}


def test_certificate_languages_put_the_learner_first_and_drop_a_duplicate():
    assert ctx.certificate_languages(learner_language="fr", second="en") == ["fr", "en"]
    assert ctx.certificate_languages(learner_language="fr", second="fr") == ["fr"]


def test_an_unsupported_language_falls_back_to_english():
    assert ctx.certificate_languages(learner_language="xx") == ["en"]


def test_attendance_uses_the_dates_confirmed_by_the_host(mobility_a, referent_a):
    mobility_a.evaluations.update(attended_from="2026-03-03", absence_days=2)
    data = ctx.attendance_context(
        mobility=mobility_for_certificate(mobility_id=mobility_a.pk), language="fr", signer=referent_a
    )
    assert data["start"] == "2026-03-03"
    assert data["days"] == 25 and data["absence_days"] == 2 and data["attended_days"] == 23
    assert data["confirmed_by_host"] is True


def test_learning_agreement_context_lists_outcomes_and_signatures(mobility_a):
    agreement = mobility_for_certificate(mobility_id=mobility_a.pk).agreements.all()[0]
    data = ctx.learning_agreement_context(agreement=agreement, language="fr")
    assert data["version"] == 1 and data["is_final"]
    assert sum(len(group["items"]) for group in data["outcomes"]) == 2
    assert len(data["signatures"]) == 3
    assert data["units"][0]["code"].startswith("UP")


def test_a_mobility_in_progress_is_not_attended_yet(centre_a):
    mobility = evaluated_mobility(centre=centre_a)
    mobility.status = MobilityStatus.IN_PROGRESS
    assert mobility.status not in ctx.ATTENDED_STATUSES


def test_the_host_signatory_is_the_one_named_in_the_evaluation(mobility_a):
    from mobility.evaluations.models import Evaluation

    Evaluation.objects.filter(mobility=mobility_a).update(
        signatory_name="Jorge Sol", signatory_position="Gerente"
    )
    content = _content(mobility_a)
    host = content["signatories"][0]
    assert (host["name"], host["position"]) == ("Jorge Sol", "Gerente")
    assert content["skills"]["assessed_by"] == "Jorge Sol"


def test_without_a_named_signatory_the_tutor_signs_for_the_host(mobility_a):
    host = _content(mobility_a)["signatories"][0]
    assert host["name"] == mobility_a.host_tutor.full_name
