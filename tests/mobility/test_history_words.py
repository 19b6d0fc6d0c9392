"""The mobility's history reads as sentences in the reader's language: no action codes
("evaluation · validate"), no role left in English ("(Host tutor)")."""

import pytest

from mobility.evaluations.models import Evaluation, EvaluationKind
from partners.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _history(client, mobility, language):
    client.cookies["mobility_language"] = language
    response = client.get(f"/mobilities/{mobility.pk}/")
    assert response.status_code == 200
    return response.context["history"], response.content.decode()


def _entries(mobility):
    evaluation = Evaluation.objects.create(mobility=mobility, kind=EvaluationKind.TUTOR)
    audit_record(action="evaluation.submit", actor_label="Paul Weber (Host tutor)", target=evaluation,
                 centre_id=mobility.centre_id, data={"status": "submitted"})  # fmt: skip
    audit_record(action="evaluation.validate", actor_label="", target=evaluation,
                 centre_id=mobility.centre_id, data={"status": "validated"})  # fmt: skip
    audit_record(action="placement.confirm", actor_label="Paul Weber (Host tutor)", target=mobility,
                 centre_id=mobility.centre_id)  # fmt: skip
    audit_record(action="report.send", actor_label="platform", target=mobility, centre_id=mobility.centre_id)
    audit_record(action="something.new", actor_label="Learner", target=mobility, centre_id=mobility.centre_id)


def test_the_history_reads_as_sentences_in_english(client_of, referent_a, mobility):
    _entries(mobility)
    history, html = _history(client_of(referent_a), mobility, "en")
    texts = {line.text: line.actor for line in history}
    assert texts["The host tutor's evaluation was submitted"] == "Paul Weber, host tutor"
    assert "The host tutor's evaluation was validated" in texts
    assert texts["The host organisation confirmed the dates of the placement"] == "Paul Weber, host tutor"
    assert texts["Participant report sent to the learner"] == "the platform"
    assert texts["Change recorded in the log"] == "the learner"
    assert " · validate" not in html and "(Host tutor)" not in html and "something" not in html


def test_the_history_reads_as_sentences_in_french(client_of, referent_a, mobility):
    _entries(mobility)
    history, _html = _history(client_of(referent_a), mobility, "fr")
    texts = {line.text: line.actor for line in history}
    assert "L’évaluation du tuteur d’accueil a été validée" in texts
    assert texts["Le rapport du participant a été envoyé à l’apprenant"] == "la plateforme"
    assert "Paul Weber, tuteur d’accueil" in texts.values()
    assert "la plateforme" in texts.values()
    for english in ("Host tutor", "evaluation", "validate", "platform", "Participant report"):
        assert english not in " ".join(f"{t} {a}" for t, a in texts.items())
