"""The referent translates the learning agreement for the host tutor: the page, the service's rules,
the outdated mark once the original changes, and what the certificate and the signed PDF keep."""

import pytest
from django.core.exceptions import ValidationError

from certification.pdf import context as pdf_context
from mobility.agreements import services, translation
from mobility.agreements.models import AgreementStatus, LearningAgreement, Party, SignatureMethod
from partners.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def written(mobility, referent_a):
    """A French agreement with objectives, tasks, an assessor and two outcomes; the tutor reads Spanish."""
    mobility.host_tutor.preferred_language = "es"
    mobility.host_tutor.save(update_fields=["preferred_language"])
    return services.agreement_save(
        mobility=mobility,
        data={
            "language": "fr",
            "objectives": "Travailler en boulangerie espagnole",
            "tasks": "Pétrissage\nFaçonnage",
            "assessor": "Le tuteur d'accueil",
        },
        outcomes=[
            {"description": "Réalise une pâte levée en suivant la fiche technique"},
            {"description": "Façonne des baguettes régulières"},
        ],
        units=None,
        acting_user=referent_a,
    )


SPANISH = {
    "language": "es",
    "objectives": "Trabajar en una panadería española",
    "tasks": "Amasado\nFormado",
    "assessor": "El tutor de acogida",
    "outcome_0": "Elabora una masa fermentada según la ficha técnica",
    "outcome_1": "Forma barras regulares",
}


def _translate(agreement, user, language="es", **texts):
    outcomes = [texts.pop(f"outcome_{i}", "") for i in range(2)]
    return services.agreement_translation_save(
        agreement=agreement, language=language, texts=texts, outcomes=outcomes, acting_user=user
    )


def test_the_page_offers_the_host_tutors_language_with_each_original_beside_its_box(
    client_of, referent_a, written
):
    response = client_of(referent_a).get(f"/agreements/{written.pk}/translation/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<option value="es" selected>' in html
    assert "Travailler en boulangerie espagnole" in html and "Façonne des baguettes régulières" in html
    assert 'name="objectives"' in html and 'name="outcome_1"' in html
    # no box for a text the agreement does not have
    assert 'name="working_schedule"' not in html


def test_a_referent_saves_the_spanish_translation_audited_and_in_the_history(client_of, referent_a, written):
    client = client_of(referent_a)
    response = client.post(f"/agreements/{written.pk}/translation/", SPANISH)
    assert response.status_code == 302
    written.refresh_from_db()
    entry = written.translations["es"]
    assert entry["objectives"] == "Trabajar en una panadería española"
    assert entry["outcomes"] == [
        "Elabora una masa fermentada según la ficha técnica",
        "Forma barras regulares",
    ]
    assert entry["source"]["objectives"] == translation.fingerprint("Travailler en boulangerie espagnole")
    audit = AuditEntry.objects.get(action="agreement.translate")
    assert audit.actor == referent_a and audit.data["language"] == "es" and audit.data["version"] == 1
    page = client.get(f"/mobilities/{written.mobility_id}/").content.decode()
    assert "Learning agreement version 1 translated into Spanish" in page
    assert "Spanish</a> — up to date" in page


def test_the_mobility_page_links_to_a_translation_for_the_host_tutor(client_of, referent_a, written):
    page = client_of(referent_a).get(f"/mobilities/{written.mobility_id}/").content.decode()
    assert f"/agreements/{written.pk}/translation/?language=es" in page
    assert "Translate for the host tutor (Spanish)" in page
    assert "Not translated yet" in page


def test_a_translation_over_the_ceiling_is_refused_naming_the_field_and_nothing_is_saved(
    client_of, referent_a, written, settings
):
    settings.TEXT_MAX_CHARS = 40
    response = client_of(referent_a).post(
        f"/agreements/{written.pk}/translation/", {**SPANISH, "outcome_1": "x" * 41}
    )
    assert response.status_code == 400
    assert "Learning outcome 2: at most 40 characters (this one has 41)." in response.content.decode()
    written.refresh_from_db()
    assert written.translations == {}
    assert not AuditEntry.objects.filter(action="agreement.translate").exists()


def test_a_short_field_is_held_to_its_own_length(referent_a, written):
    with pytest.raises(ValidationError) as caught:
        _translate(written, referent_a, assessor="y" * 201)
    assert "Who assesses: at most 200 characters" in caught.value.message_dict["assessor"][0]


def test_the_agreements_own_language_and_unknown_languages_are_refused(referent_a, written):
    for language in ("fr", "pt", ""):
        with pytest.raises(ValidationError) as caught:
            _translate(written, referent_a, language=language, objectives="Texte")
        assert "language" in caught.value.message_dict


def test_a_read_only_colleague_may_not_translate(readonly_a, written):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        _translate(written, readonly_a, objectives="Trabajar")


def test_another_centres_agreement_is_404(client_of, referent_b, written):
    client = client_of(referent_b)
    assert client.get(f"/agreements/{written.pk}/translation/?language=es").status_code == 404
    assert client.post(f"/agreements/{written.pk}/translation/", SPANISH).status_code == 404
    written.refresh_from_db()
    assert written.translations == {}


def test_editing_the_original_marks_that_part_outdated_and_readers_get_the_original(referent_a, written):
    _translate(written, referent_a, **{k: v for k, v in SPANISH.items() if k != "language"})
    services.agreement_save(
        mobility=written.mobility,
        data={"objectives": "Travailler en boulangerie artisanale"},
        outcomes=None,
        units=None,
        acting_user=referent_a,
    )
    agreement = LearningAgreement.objects.get(pk=written.pk)
    found = translation.translation_of(agreement=agreement, language="es")
    assert found.outdated
    assert {p.key for p in found.all_parts if p.outdated} == {"objectives"}
    text = translation.agreement_text(agreement=agreement, language="es")
    assert text.objectives == "Travailler en boulangerie artisanale"  # never the old translation
    assert text.tasks == "Amasado\nFormado"
    assert text.translated and text.outdated
    assert [s.outdated for s in translation.translation_states(agreement=agreement)] == [True]


def test_the_referent_and_the_mobility_page_see_the_outdated_mark(client_of, referent_a, written):
    _translate(written, referent_a, objectives="Trabajar en una panadería española")
    services.agreement_save(
        mobility=written.mobility,
        data={"objectives": "Travailler en boulangerie artisanale"},
        outcomes=None,
        units=None,
        acting_user=referent_a,
    )
    client = client_of(referent_a)
    form = client.get(f"/agreements/{written.pk}/translation/?language=es").content.decode()
    assert "outdated: the original has changed since this was translated" in form
    assert "Trabajar en una panadería española" in form  # the old text, offered to update
    page = client.get(f"/mobilities/{written.mobility_id}/").content.decode()
    assert "outdated: the original has changed since" in page


def test_a_new_version_keeps_the_translation_of_unchanged_outcomes_and_marks_a_reworded_one(
    referent_a, written
):
    _translate(written, referent_a, **{k: v for k, v in SPANISH.items() if k != "language"})
    services.agreement_sign(
        agreement=written,
        party=Party.LEARNER,
        signer_name="Léa",
        method=SignatureMethod.IN_APP,
        acting_user=referent_a,
    )
    second = services.agreement_save(
        mobility=written.mobility,
        data={},
        outcomes=[
            {"description": "Réalise une pâte levée en suivant la fiche technique"},
            {"description": "Façonne des baguettes et des pains de campagne"},
        ],
        units=None,
        acting_user=referent_a,
    )
    assert second.version == 2
    found = translation.translation_of(agreement=second, language="es")
    first, reworded = (part for _o, part in found.outcome_parts)
    assert first.current == "Elabora una masa fermentada según la ficha técnica"
    assert reworded.outdated and reworded.text == "Forma barras regulares"
    text = translation.agreement_text(agreement=second, language="es")
    assert sorted(text.outcomes.values()) == [
        "Elabora una masa fermentada según la ficha técnica",
        "Façonne des baguettes et des pains de campagne",
    ]


def test_a_replaced_version_is_not_translated(referent_a, written):
    LearningAgreement.objects.filter(pk=written.pk).update(status=AgreementStatus.SUPERSEDED)
    with pytest.raises(ValidationError, match="translate the current version"):
        _translate(written, referent_a, objectives="Trabajar")


def test_emptying_every_box_removes_the_translation(referent_a, written):
    _translate(written, referent_a, objectives="Trabajar")
    _translate(written, referent_a)
    written.refresh_from_db()
    assert "es" not in written.translations
    assert AuditEntry.objects.filter(action="agreement.translation_remove").count() == 1


def test_the_certificate_uses_a_current_translation_and_never_an_outdated_one(referent_a, written):
    _translate(written, referent_a, objectives="Trabajar en una panadería española")
    agreement = LearningAgreement.objects.get(pk=written.pk)
    assert pdf_context._texts_with_translations(agreement, "objectives", ["fr", "es"]) == {
        "fr": "Travailler en boulangerie espagnole",
        "es": "Trabajar en una panadería española",
    }
    LearningAgreement.objects.filter(pk=written.pk).update(objectives="Travailler en pâtisserie")
    agreement = LearningAgreement.objects.get(pk=written.pk)
    assert pdf_context._texts_with_translations(agreement, "objectives", ["es"]) == {
        "es": "Travailler en pâtisserie"
    }


def test_the_signed_agreement_pdf_keeps_the_original_texts(referent_a, written):
    _translate(written, referent_a, objectives="Trabajar en una panadería española", tasks="Amasado")
    agreement = LearningAgreement.objects.get(pk=written.pk)
    data = pdf_context.learning_agreement_context(agreement=agreement, language="es")
    assert data["objectives"] == "Travailler en boulangerie espagnole"
    assert data["tasks"] == "Pétrissage\nFaçonnage"


def test_the_edit_page_warns_that_a_change_outdates_the_translation(client_of, referent_a, written):
    _translate(written, referent_a, objectives="Trabajar")
    page = client_of(referent_a).get(f"/mobilities/{written.mobility_id}/agreement/").content.decode()
    assert "This version is translated (Spanish)" in page


def test_the_page_costs_the_same_with_more_outcomes_and_a_translation(client_of, referent_a, written):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_of(referent_a)
    url = f"/agreements/{written.pk}/translation/?language=es"
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    services.agreement_save(
        mobility=written.mobility,
        data={},
        outcomes=[{"description": f"Acquis {n}"} for n in range(8)],
        units=None,
        acting_user=referent_a,
    )
    services.agreement_translation_save(
        agreement=written,
        language="es",
        texts={"objectives": "Trabajar"},
        outcomes=[f"Resultado {n}" for n in range(8)],
        acting_user=referent_a,
    )
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert "Resultado 7" in response.content.decode()
    assert len(after) <= len(before)


def test_translations_sent_whole_are_held_to_the_ceiling_and_dated_from_the_text_saved(
    referent_a, written, settings
):
    """The API writes the agreement's fields as they are, translations included."""
    settings.TEXT_MAX_CHARS = 40
    with pytest.raises(ValidationError) as caught:
        services.agreement_save(
            mobility=written.mobility,
            data={"translations": {"de": {"objectives": "x" * 41}}},
            outcomes=None,
            units=None,
            acting_user=referent_a,
        )
    assert "at most 40 characters" in caught.value.message_dict["translations"][0]
    with pytest.raises(ValidationError):
        services.agreement_save(
            mobility=written.mobility,
            data={"translations": {"xx": {"objectives": "Texte"}}},
            outcomes=None,
            units=None,
            acting_user=referent_a,
        )
    services.agreement_save(
        mobility=written.mobility,
        data={"translations": {"de": {"objectives": "Arbeiten", "outcomes": ["Einen Teig kneten"]}}},
        outcomes=None,
        units=None,
        acting_user=referent_a,
    )
    services.agreement_save(
        mobility=written.mobility,
        data={"objectives": "Travailler en boulangerie artisanale"},
        outcomes=None,
        units=None,
        acting_user=referent_a,
    )
    agreement = LearningAgreement.objects.get(pk=written.pk)
    found = translation.translation_of(agreement=agreement, language="de")
    assert [p.key for p in found.all_parts if p.outdated] == ["objectives"]
    assert found.outcome_parts[0][1].current == "Einen Teig kneten"


def test_a_translation_typed_while_the_original_changed_is_refused_then_saved_once_checked(
    client_of, referent_a, written
):
    import re

    client = client_of(referent_a)
    url = f"/agreements/{written.pk}/translation/"
    form = client.get(f"{url}?language=es").content.decode()
    basis = re.search(r'name="basis" value="([0-9a-f]+)"', form).group(1)
    services.agreement_save(
        mobility=written.mobility,
        data={"objectives": "Travailler en boulangerie artisanale"},
        outcomes=None,
        units=None,
        acting_user=referent_a,
    )
    response = client.post(url, {**SPANISH, "basis": basis})
    assert response.status_code == 400
    page = response.content.decode()
    assert "The agreement was changed while you were translating it" in page
    assert "Travailler en boulangerie artisanale" in page and "Trabajar en una panadería española" in page
    written.refresh_from_db()
    assert written.translations == {}
    fresh = re.search(r'name="basis" value="([0-9a-f]+)"', page).group(1)
    assert fresh != basis
    assert client.post(url, {**SPANISH, "basis": fresh}).status_code == 302
