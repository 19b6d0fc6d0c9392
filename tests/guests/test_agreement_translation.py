"""The host tutor and the learner read the learning agreement in their language once the referent has
translated it: told that the original prevails, the original one click away, an outdated part shown
as written, typed script shown as text."""

import pytest
from django.utils import translation as django_translation
from django.utils.translation import gettext

from mobility.agreements import services
from mobility.guests.models import GuestRole

pytestmark = pytest.mark.django_db

BAIT = "<script>alert('x')</script>"


def es(msgid: str) -> str:
    with django_translation.override("es"):
        return gettext(msgid)


def de(msgid: str) -> str:
    with django_translation.override("de"):
        return gettext(msgid)


@pytest.fixture
def agreement(mobility, referent_a):
    """The agreement of the conftest's mobility, written in French, with no translation yet."""
    agreement = mobility.agreements.get()
    agreement.objectives = "Découvrir la boulangerie espagnole."
    agreement.tasks = "Pétrissage du matin"
    agreement.assessor = "La tutrice d'accueil"
    agreement.translations = {}
    agreement.save()
    return agreement


def _translate(agreement, referent, language, **texts):
    outcomes = [texts.pop("outcome_0", ""), texts.pop("outcome_1", "")]
    services.agreement_translation_save(
        agreement=agreement, language=language, texts=texts, outcomes=outcomes, acting_user=referent
    )


def test_the_tutor_reads_the_translation_told_that_the_original_prevails(tutor_client, agreement, referent_a):
    _translate(
        agreement,
        referent_a,
        "es",
        objectives=f"Descubrir la panadería española. {BAIT}",
        tasks="Amasado de la mañana",
        assessor="La tutora de acogida",
        outcome_0="Amasar una masa de pan",
    )
    page = tutor_client.get(f"/guest/{agreement.mobility_id}/agreement/").content.decode()
    assert "Descubrir la panadería española. &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert BAIT not in page
    assert "Amasado de la mañana" in page and "La tutora de acogida" in page
    assert "Amasar una masa de pan" in page
    assert "Cuire au four à bois" in page  # not translated: as written
    assert es("Translated for you; the original text prevails.") in page
    assert "?original=1" in page


def test_the_tutor_sees_the_original_on_asking(tutor_client, agreement, referent_a):
    _translate(agreement, referent_a, "es", objectives="Descubrir la panadería española.")
    page = tutor_client.get(f"/guest/{agreement.mobility_id}/agreement/?original=1").content.decode()
    assert "Découvrir la boulangerie espagnole." in page
    assert "Descubrir la panadería española." not in page
    assert es("Show the translation") in page


def test_the_tutors_summary_and_evaluation_say_it_is_translated(tutor_client, agreement, referent_a):
    _translate(agreement, referent_a, "es", objectives="Descubrir la panadería española.")
    summary = tutor_client.get(f"/guest/{agreement.mobility_id}/").content.decode()
    assert "Descubrir la panadería española." in summary
    assert es("Translated for you; the original text prevails.") in summary
    assert es("Not translated into your language yet: shown in its original language.") not in summary


def test_an_outdated_translation_is_never_shown_as_current(tutor_client, agreement, referent_a):
    _translate(agreement, referent_a, "es", objectives="Descubrir la panadería española.", tasks="Amasado")
    services.agreement_save(
        mobility=agreement.mobility,
        data={"objectives": "Découvrir la boulangerie de Valence."},
        outcomes=None,
        units=None,
        acting_user=referent_a,
    )
    page = tutor_client.get(f"/guest/{agreement.mobility_id}/agreement/").content.decode()
    assert "Découvrir la boulangerie de Valence." in page
    assert "Descubrir la panadería española." not in page
    assert "Amasado" in page  # the part still current
    # each text says its language, for screen readers and translation tools
    assert '<p lang="fr">Découvrir la boulangerie de Valence.</p>' in page
    assert '<p lang="es">Amasado</p>' in page
    assert (
        es(
            "The agreement has been changed since it was translated: the changed parts are shown in their "
            "original language until the training centre updates the translation."
        )
        in page
    )


def test_the_learner_reads_the_german_translation(client, mobility, agreement, referent_a, invite):
    mobility.participant.preferred_language = "de"
    mobility.participant.save(update_fields=["preferred_language"])
    _translate(agreement, referent_a, "de", objectives="Die spanische Bäckerei entdecken.")
    key = invite(mobility, role=GuestRole.LEARNER)
    assert client.get(f"/t/{key}").status_code == 302
    page = client.get(f"/guest/{mobility.pk}/agreement/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Die spanische Bäckerei entdecken." in page
    assert de("Translated for you; the original text prevails.") in page
