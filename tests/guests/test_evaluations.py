"""The tutor's evaluation: draft, submission, review; self-assessment, employer debrief, recognition."""

import datetime
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from django.utils.translation import gettext

from mobility.evaluations import selectors as evaluations_selectors
from mobility.evaluations.models import (
    EmployerFeedback,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    OutcomeAssessment,
    Recognition,
)
from mobility.evaluations.services import evaluation as evaluations
from mobility.evaluations.services import recognition as services_recognition
from mobility.evaluations.services import reminders as services_reminders
from mobility.guests.models import AccessLink, GuestRole
from mobility.guests.services import links as guests
from mobility.mobilities.models import MobilityStatus
from partners.audit.models import AuditEntry
from partners.emails.models import OutboundEmail

from .. import factories
from ..text import as_html, translated
from .conftest import deliver_all, key_from

pytestmark = pytest.mark.django_db


def _outcome_ids(mobility):
    return [o.pk for o in evaluations_selectors.evaluation_outcomes(mobility=mobility)]


def complete_form(mobility, **overrides):
    """What a tutor who filled in everything posts."""
    first, second = _outcome_ids(mobility)
    data = {
        f"outcome_{first}_result": "achieved",
        f"outcome_{first}_comment": "Muy bien",
        f"outcome_{second}_result": "partly",
        "tasks_carried_out": "Amasado y horneado diario.",
        "job_related_skills": "Domina la masa madre.",
        "lang_0_language": "es",
        "lang_0_listening": "B1",
        "lang_0_reading": "B1",
        "lang_0_spoken_interaction": "A2",
        "lang_0_spoken_production": "A2",
        "lang_0_writing": "A2",
        "digital_safety": "basic",
        "attended_from": "2026-03-02",
        "attended_to": "2026-03-27",
        "absence_days": "1",
        "overall_comment": "Una aprendiz motivada.",
        "signatory_name": "Lucía García",
        "signatory_position": "Maestra panadera",
        "action": "submit",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_draft_is_saved_as_typed_and_shown_again(tutor_client, mobility):
    url = f"/guest/{mobility.pk}/evaluation/"
    response = tutor_client.post(url, {"tasks_carried_out": "Amasado", "action": "save"})
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(mobility=mobility, kind=EvaluationKind.TUTOR)
    assert evaluation.status == EvaluationStatus.DRAFT
    assert evaluation.tasks_carried_out == "Amasado"
    assert evaluation.author_name == "Lucía García"
    page = tutor_client.get(url)
    assert "Amasado" in page.content.decode()


def test_submitting_an_incomplete_evaluation_names_every_missing_part(tutor_client, mobility):
    _first, second = _outcome_ids(mobility)
    response = tutor_client.post(
        f"/guest/{mobility.pk}/evaluation/",
        complete_form(
            mobility,
            **{
                f"outcome_{second}_result": None,
                "lang_0_writing": None,
                "overall_comment": None,
                "absence_days": None,
            },
        ),
    )
    assert response.status_code == 200
    missing = response.context["missing"]
    # Each missing part names itself and links to its place in the form (messages in the tutor's
    # language once the catalogue has it: compared through the same catalogue).
    assert [part.anchor for part in missing] == [
        f"outcome-{second}",
        "section-language",
        "section-attendance",
        "section-overall",
    ]
    with translation.override("es"):
        assert "Hornear en horno de leña" in missing[0].message  # as the tutor reads it
        outcome_message = gettext(
            "Learning outcome %(number)s (“%(text)s”): choose achieved, partly achieved or not achieved."
        )
        assert missing[0].message.startswith(outcome_message.split("%")[0])
        assert evaluations.language_name("es") in missing[1].message
        assert gettext("Writing") in missing[1].message
        assert gettext("Reading") not in missing[1].message
    evaluation = Evaluation.objects.get(mobility=mobility)
    assert evaluation.status == EvaluationStatus.DRAFT
    assert evaluation.tasks_carried_out == "Amasado y horneado diario."  # nothing typed is lost
    # The summary's links lead to the fields themselves, so that following one puts the focus there.
    assert f'href="#id_outcome_{second}_result_0"' in response.content.decode()


def _tags(html: str) -> dict[str, dict[str, str]]:
    """Every element with an id, by id: its tag name and attributes."""
    found: dict[str, dict[str, str]] = {}

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            attributes = {name: value or "" for name, value in attrs}
            if "id" in attributes:
                found[attributes["id"]] = {"tag": tag, **attributes}

    Parser().feed(html)
    return found


def _error_text(html: str, error_id: str) -> str:
    match = re.search(rf'<ul class="errorlist" id="{error_id}"><li>(.*?)</li></ul>', html, re.S)
    assert match, f"no error list #{error_id}"
    return unescape(match.group(1))


def test_each_missing_part_marks_its_fields_invalid_and_tied_to_the_message(tutor_client, mobility):
    _first, second = _outcome_ids(mobility)
    response = tutor_client.post(
        f"/guest/{mobility.pk}/evaluation/",
        complete_form(
            mobility,
            **{
                f"outcome_{second}_result": None,
                "lang_0_reading": None,
                "lang_0_writing": None,
                "overall_comment": None,
            },
        ),
    )
    html = response.content.decode()
    tags = _tags(html)
    messages = [part.message for part in response.context["missing"]]

    # A group of radio buttons: every button invalid, the group (fieldset) described by the message.
    for index in range(3):
        assert tags[f"id_outcome_{second}_result_{index}"]["aria-invalid"] == "true"
    group = re.search(
        rf'<fieldset aria-describedby="([^"]*)">\s*<legend[^>]*>[^<]*</legend>\s*<ul class="errorlist" id="id_outcome_{second}_result_error"',
        html,
    )
    assert group and f"id_outcome_{second}_result_error" in group.group(1).split()
    assert _error_text(html, f"id_outcome_{second}_result_error") == messages[0]

    # A text box: invalid, described by its help text and the message.
    comment = tags["id_overall_comment"]
    assert comment["aria-invalid"] == "true"
    assert comment["aria-describedby"].split() == ["id_overall_comment_helptext", "id_overall_comment_error"]
    assert _error_text(html, "id_overall_comment_error") == messages[-1]

    # Two levels of one language missing: one message, both fields invalid and reading it.
    assert tags["id_lang_0_reading"]["aria-invalid"] == "true"
    assert tags["id_lang_0_writing"]["aria-invalid"] == "true"
    assert tags["id_lang_0_reading"]["aria-describedby"] == "id_lang_0_reading_error"
    assert tags["id_lang_0_writing"]["aria-describedby"] == "id_lang_0_reading_error"
    assert _error_text(html, "id_lang_0_reading_error") == messages[1]

    # What was filled in is not marked.
    assert "aria-invalid" not in tags["id_lang_0_listening"]
    assert "aria-invalid" not in tags["id_tasks_carried_out"]


def test_a_missing_level_is_found_in_the_row_of_its_language(tutor_client, mobility):
    """The stored rows skip empty ones: the second row of the form may be the first stored."""
    data = complete_form(mobility)
    for key in ("language", "listening", "reading", "spoken_interaction", "spoken_production", "writing"):
        data[f"lang_1_{key}"] = data.pop(f"lang_0_{key}")
    data.pop("lang_1_writing")
    response = tutor_client.post(f"/guest/{mobility.pk}/evaluation/", data)
    tags = _tags(response.content.decode())
    assert tags["id_lang_1_writing"]["aria-invalid"] == "true"
    assert "aria-invalid" not in tags["id_lang_0_writing"]


def test_an_empty_submission_lists_all_sections(mobility):
    evaluations.evaluation_save_draft(
        mobility=mobility,
        kind=EvaluationKind.TUTOR,
        data={},
        assessments={},
        author_name="L",
        language="es",
        actor_label="L",
    )
    with pytest.raises(ValidationError) as raised:
        evaluations.evaluation_submit(mobility=mobility, kind=EvaluationKind.TUTOR, actor_label="L")
    assert (
        len(raised.value.messages) == 9
    )  # 2 outcomes, tasks, job, language, 2 attendance, overall, signatory


def test_the_form_offers_the_tutor_as_signatory_and_another_person_may_sign(tutor_client, mobility, tutor):
    tutor.position = "Maestra panadera"
    tutor.save(update_fields=["position"])
    form = tutor_client.get(f"/guest/{mobility.pk}/evaluation/").context["form"]
    assert (form["signatory_name"].value(), form["signatory_position"].value()) == (
        "Lucía García", "Maestra panadera",
    )  # fmt: skip
    tutor_client.post(
        f"/guest/{mobility.pk}/evaluation/",
        complete_form(mobility, signatory_name="Jorge Sol", signatory_position="Gerente"),
    )
    evaluation = Evaluation.objects.get(mobility=mobility)
    assert evaluation.status == EvaluationStatus.SUBMITTED
    assert (evaluation.author_name, evaluation.signatory_name, evaluation.signatory_position) == (
        "Lucía García", "Jorge Sol", "Gerente",
    )  # fmt: skip
    page = tutor_client.get(f"/guest/{mobility.pk}/evaluation/view/").content.decode()
    assert "Jorge Sol, Gerente" in page


def test_an_evaluation_without_the_signatorys_position_names_that_part(tutor_client, mobility):
    response = tutor_client.post(
        f"/guest/{mobility.pk}/evaluation/", complete_form(mobility, signatory_position="")
    )
    assert [part.anchor for part in response.context["missing"]] == ["section-signatory"]
    assert Evaluation.objects.get(mobility=mobility).status == EvaluationStatus.DRAFT
    html = response.content.decode()
    assert 'id="id_signatory_position"' in html and 'href="#id_signatory_position"' in html


def test_a_complete_evaluation_is_submitted_and_the_referent_told(tutor_client, mobility):
    response = tutor_client.post(f"/guest/{mobility.pk}/evaluation/", complete_form(mobility))
    assert response.status_code == 302
    assert response["Location"] == f"/guest/{mobility.pk}/evaluation/view/"
    evaluation = Evaluation.objects.get(mobility=mobility)
    assert evaluation.status == EvaluationStatus.SUBMITTED and evaluation.submitted_at
    assert evaluation.language_skills == [
        {
            "language": "es",
            "listening": "B1",
            "reading": "B1",
            "spoken_interaction": "A2",
            "spoken_production": "A2",
            "writing": "A2",
        }
    ]
    assert evaluation.digital_skills == {"safety": "basic"}
    assert evaluation.absence_days == 1
    assert OutcomeAssessment.objects.filter(evaluation=evaluation).count() == 2
    notice = OutboundEmail.objects.get(kind="referent.evaluation_submitted")
    assert notice.to == "alice@montclar.example"
    entry = AuditEntry.objects.get(action="evaluation.submit")
    assert entry.actor is None and entry.actor_label == "Lucía García (Host tutor)"


def test_a_double_submit_stores_one_evaluation(tutor_client, mobility):
    data = complete_form(mobility)
    first = tutor_client.post(f"/guest/{mobility.pk}/evaluation/", data)
    second = tutor_client.post(f"/guest/{mobility.pk}/evaluation/", {**data, "overall_comment": "changed"})
    assert first.status_code == second.status_code == 302
    assert Evaluation.objects.filter(mobility=mobility).count() == 1
    evaluation = Evaluation.objects.get(mobility=mobility)
    assert evaluation.overall_comment == "Una aprendiz motivada."
    assert AuditEntry.objects.filter(action="evaluation.submit").count() == 1
    assert OutboundEmail.objects.filter(kind="referent.evaluation_submitted").count() == 1


def test_submitting_twice_through_the_service_changes_nothing(mobility):
    _fill(mobility)
    _evaluation, first = evaluations.evaluation_submit(
        mobility=mobility, kind=EvaluationKind.TUTOR, actor_label="L"
    )
    _evaluation, second = evaluations.evaluation_submit(
        mobility=mobility, kind=EvaluationKind.TUTOR, actor_label="L"
    )
    assert (first, second) == (True, False)


def test_a_submitted_evaluation_is_read_only_and_printable(tutor_client, mobility):
    tutor_client.post(f"/guest/{mobility.pk}/evaluation/", complete_form(mobility))
    assert (
        tutor_client.get(f"/guest/{mobility.pk}/evaluation/")["Location"]
        == f"/guest/{mobility.pk}/evaluation/view/"
    )
    page = tutor_client.get(f"/guest/{mobility.pk}/evaluation/view/")
    html = page.content.decode()
    assert "<textarea" not in html and "data-print" in html
    assert "Una aprendiz motivada." in html
    with pytest.raises(evaluations.EvaluationLocked):
        evaluations.evaluation_save_draft(
            mobility=mobility, kind=EvaluationKind.TUTOR, data={"overall_comment": "x"}, assessments={},
            author_name="L", language="es", actor_label="L",
        )  # fmt: skip


def test_the_evaluation_waits_for_the_placement_to_start(tutor_client, mobility):
    mobility.status = MobilityStatus.CONFIRMED
    mobility.save(update_fields=["status"])
    page = tutor_client.get(f"/guest/{mobility.pk}/evaluation/")
    opens = as_html(
        "The evaluation opens when the placement starts (%(date)s). You will receive an e-mail.",
        "es",
        date="",
    )
    assert opens.split("(")[0] in page.content.decode()
    tutor_client.post(f"/guest/{mobility.pk}/evaluation/", complete_form(mobility))
    assert not Evaluation.objects.exists()


def test_attendance_dates_are_checked_at_submission(tutor_client, mobility):
    response = tutor_client.post(
        f"/guest/{mobility.pk}/evaluation/",
        complete_form(mobility, attended_from="2026-03-20", attended_to="2026-03-02", action="submit"),
    )
    assert response.status_code == 200
    assert as_html("The last day of presence is before the first.", "es") in response.content.decode()
    assert Evaluation.objects.get(mobility=mobility).status == EvaluationStatus.DRAFT


def test_a_draft_during_the_stay_saves_with_the_planned_end_still_ahead(tutor_client, mobility):
    """The untouched form during the stay: the planned end date pre-filled is in the future."""
    today = datetime.date.today()
    mobility.planned_start = today - datetime.timedelta(days=10)
    mobility.planned_end = today + datetime.timedelta(days=20)
    mobility.save(update_fields=["planned_start", "planned_end"])
    url = f"/guest/{mobility.pk}/evaluation/"
    response = tutor_client.post(
        url,
        {"attended_from": mobility.planned_start.isoformat(), "attended_to": mobility.planned_end.isoformat(),
         "action": "save"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Evaluation.objects.get(mobility=mobility).attended_to == mobility.planned_end
    # Submitting it now names the date still ahead.
    response = tutor_client.post(
        url,
        complete_form(
            mobility,
            attended_from=mobility.planned_start.isoformat(),
            attended_to=mobility.planned_end.isoformat(),
        ),
    )
    assert as_html("This date is in the future.", "es") in response.content.decode()
    assert Evaluation.objects.get(mobility=mobility).status == EvaluationStatus.DRAFT


def test_levels_and_results_outside_the_lists_are_refused(mobility):
    with pytest.raises(ValidationError):
        evaluations.evaluation_save_draft(
            mobility=mobility, kind=EvaluationKind.TUTOR, data={"language_skills": [{"language": "es", "writing": "D7"}]},
            assessments={}, author_name="L", language="es", actor_label="L",
        )  # fmt: skip


def test_assessments_of_another_mobilitys_outcomes_are_ignored(mobility, other_mobility):
    foreign = factories.AgreementOutcomeFactory(
        agreement=factories.LearningAgreementFactory(mobility=other_mobility)
    )
    evaluation = evaluations.evaluation_save_draft(
        mobility=mobility, kind=EvaluationKind.TUTOR, data={}, assessments={foreign.pk: {"result": "achieved"}},
        author_name="L", language="es", actor_label="L",
    )  # fmt: skip
    assert not evaluation.assessments.exists()


def test_outcomes_are_shown_in_the_tutors_language_where_translated(tutor_client, mobility):
    html = tutor_client.get(f"/guest/{mobility.pk}/evaluation/").content.decode()
    assert "Amasar una masa de pan" in html and "Pétrir une pâte à pain" not in html


# --- Review ---------------------------------------------------------------------------------
def _fill(mobility):
    outcomes = _outcome_ids(mobility)
    evaluations.evaluation_save_draft(
        mobility=mobility,
        kind=EvaluationKind.TUTOR,
        data={
            "tasks_carried_out": "T",
            "job_related_skills": "J",
            "language_skills": [
                {
                    "language": "es",
                    **dict.fromkeys(
                        ("listening", "reading", "spoken_interaction", "spoken_production", "writing"), "B1"
                    ),
                }
            ],
            "attended_from": datetime.date(2026, 3, 2),
            "attended_to": datetime.date(2026, 3, 27),
            "absence_days": 0,
            "overall_comment": "Bien",
            "signatory_name": "Lucía García",
            "signatory_position": "Maestra panadera",
        },
        assessments={pk: {"result": "achieved"} for pk in outcomes},
        author_name="Lucía García",
        language="es",
        actor_label="Lucía García (Host tutor)",
    )


def _submitted(mobility):
    _fill(mobility)
    evaluation, _ = evaluations.evaluation_submit(
        mobility=mobility, kind=EvaluationKind.TUTOR, actor_label="L"
    )
    return evaluation


def test_validation_moves_a_completed_mobility_to_evaluated_and_sends_the_debrief(
    client_of, referent_a, mobility
):
    evaluation = _submitted(mobility)
    mobility.status = MobilityStatus.COMPLETED
    mobility.save(update_fields=["status"])
    response = client_of(referent_a).post(f"/mobilities/{mobility.pk}/evaluation/validate/", {"comment": ""})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    mobility.refresh_from_db()
    assert evaluation.status == EvaluationStatus.VALIDATED and evaluation.reviewed_by == referent_a
    assert mobility.status == MobilityStatus.EVALUATED
    debrief = OutboundEmail.objects.get(kind="guest.invitation.employer")
    assert debrief.to == "paul@boulangerie-martin.example"
    assert (
        translated("%(achieved)s achieved, %(partly)s partly achieved.", "fr", achieved=2, partly=0)
        in debrief.body_text
    )


def test_validation_of_a_running_mobility_leaves_its_status_and_the_beat_job_follows(mobility, referent_a):
    evaluations.evaluation_validate(evaluation=_submitted(mobility), acting_user=referent_a)
    mobility.refresh_from_db()
    assert mobility.status == MobilityStatus.IN_PROGRESS
    mobility.status = MobilityStatus.COMPLETED
    mobility.save(update_fields=["status"])
    assert services_reminders.evaluated_mobilities_follow() == 1
    mobility.refresh_from_db()
    assert mobility.status == MobilityStatus.EVALUATED


def test_sending_back_needs_a_comment(client_of, referent_a, mobility):
    _submitted(mobility)
    response = client_of(referent_a).post(
        f"/mobilities/{mobility.pk}/evaluation/send-back/", {"comment": " "}
    )
    assert response.status_code == 400
    assert "Say what the tutor should change." in response.content.decode()
    assert Evaluation.objects.get(mobility=mobility).status == EvaluationStatus.SUBMITTED


def test_sent_back_the_tutor_is_told_in_their_language_and_can_change_it(tutor_client, mobility, referent_a):
    tutor_client.post(f"/guest/{mobility.pk}/evaluation/", complete_form(mobility))
    evaluation = Evaluation.objects.get(mobility=mobility)
    evaluations.evaluation_send_back(
        evaluation=evaluation, acting_user=referent_a, comment="Precise las fechas."
    )
    message = OutboundEmail.objects.get(kind="guest.returned")
    assert message.language == "es" and message.to == "lucia@panaderia-sol.example"
    assert "Precise las fechas." in message.body_text
    key = key_from(deliver_all()[-1])
    assert tutor_client.get(f"/t/{key}").status_code == 302
    page = tutor_client.get(f"/guest/{mobility.pk}/evaluation/")
    assert page.status_code == 200 and "Precise las fechas." in page.content.decode()
    tutor_client.post(f"/guest/{mobility.pk}/evaluation/", complete_form(mobility, absence_days="0"))
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SUBMITTED and evaluation.absence_days == 0


def test_read_only_staff_see_the_evaluation_but_cannot_validate(client_of, readonly_a, mobility):
    _submitted(mobility)
    client = client_of(readonly_a)
    page = client.get(f"/mobilities/{mobility.pk}/evaluation/")
    assert page.status_code == 200 and "Validate the evaluation" not in page.content.decode()
    assert client.post(f"/mobilities/{mobility.pk}/evaluation/validate/").status_code == 403
    assert Evaluation.objects.get(mobility=mobility).status == EvaluationStatus.SUBMITTED


def test_another_centres_referent_gets_404_on_the_review(client_of, referent_b, mobility):
    _submitted(mobility)
    assert client_of(referent_b).get(f"/mobilities/{mobility.pk}/evaluation/").status_code == 404
    assert client_of(referent_b).post(f"/mobilities/{mobility.pk}/evaluation/validate/").status_code == 404


def test_a_draft_cannot_be_validated(mobility, referent_a):
    _fill(mobility)
    with pytest.raises(ValidationError, match="Only a submitted evaluation"):
        evaluations.evaluation_validate(
            evaluation=Evaluation.objects.get(mobility=mobility), acting_user=referent_a
        )


def test_validating_needs_the_capability(mobility, readonly_a):
    with pytest.raises(PermissionDenied):
        evaluations.evaluation_validate(evaluation=_submitted(mobility), acting_user=readonly_a)


# --- Learner's self-assessment --------------------------------------------------------------------
def test_the_learner_fills_a_self_assessment_with_the_same_sections(client, mobility, invite):
    key = invite(mobility, role=GuestRole.LEARNER)
    client.get(f"/t/{key}")
    form = complete_form(mobility)
    for name in ("attended_from", "attended_to", "absence_days"):
        form.pop(name)
    response = client.post(f"/guest/{mobility.pk}/evaluation/", form)
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(mobility=mobility, kind=EvaluationKind.SELF)
    assert evaluation.status == EvaluationStatus.SUBMITTED
    assert evaluation.author_name == "Léa Dupont"
    assert not Evaluation.objects.filter(kind=EvaluationKind.TUTOR).exists()


# --- Sending employer ---------------------------------------------------------------------------
def _employer_client(client, mobility, referent_a):
    evaluations.evaluation_validate(evaluation=_submitted(mobility), acting_user=referent_a)
    key = key_from(deliver_all()[-1])
    client.get(f"/t/{key}")
    return client


def test_the_employer_reads_the_debrief_and_gives_feedback_once(client, mobility, referent_a):
    client = _employer_client(client, mobility, referent_a)
    page = client.get(f"/guest/{mobility.pk}/feedback/")
    assert page.status_code == 200 and "Bien" in page.content.decode()
    client.post(
        f"/guest/{mobility.pk}/feedback/",
        {"satisfaction": "4", "comments": "Très utile", "would_send_again": "yes"},
    )
    client.post(f"/guest/{mobility.pk}/feedback/", {"satisfaction": "1", "comments": "again"})
    feedback = EmployerFeedback.objects.get(mobility=mobility)
    assert (feedback.satisfaction, feedback.comments, feedback.would_send_again) == (4, "Très utile", True)
    assert feedback.contact.email == "paul@boulangerie-martin.example"


def test_the_employer_sees_neither_the_evaluation_form_nor_the_documents(client, mobility, referent_a):
    client = _employer_client(client, mobility, referent_a)
    for path in ("evaluation/", "evaluation/view/", "documents/", "confirm/", "agreement/"):
        assert client.get(f"/guest/{mobility.pk}/{path}").status_code == 404, path


def test_an_employer_without_a_contact_is_reached_at_the_companys_address(mobility, referent_a, learner):
    learner.employer_contact = None
    learner.employer.email = "contact@boulangerie-martin.example"
    learner.employer.save(update_fields=["email"])
    learner.save(update_fields=["employer_contact"])
    evaluations.evaluation_validate(evaluation=_submitted(mobility), acting_user=referent_a)
    link = AccessLink.objects.get(role=GuestRole.EMPLOYER)
    assert link.email == "contact@boulangerie-martin.example" and link.person_name == "Boulangerie Martin"


# --- Recognition ----------------------------------------------------------------------------------
@pytest.fixture
def returned(mobility):
    unit = factories.UnitFactory(
        qualification=mobility.participant.qualification, code="UP2", title="Fabrication"
    )
    mobility.agreements.get().units.add(unit)
    mobility.status = MobilityStatus.COMPLETED
    mobility.save(update_fields=["status"])
    return unit


def test_the_referent_records_a_decision_per_unit(client_of, referent_a, mobility, returned):
    response = client_of(referent_a).post(
        f"/mobilities/{mobility.pk}/recognition/",
        {
            f"unit_{returned.pk}_decision": "recognised",
            f"unit_{returned.pk}_date": "2026-04-20",
            f"unit_{returned.pk}_comment": "Jury du 20/04",
        },
    )
    assert response.status_code == 302
    recognition = Recognition.objects.get(mobility=mobility)
    assert (recognition.decision, recognition.decided_on, recognition.decided_by) == (
        "recognised", datetime.date(2026, 4, 20), referent_a,
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="recognition.record")
    assert entry.data["decision"] == [None, "recognised"]


def test_the_decision_is_shown_on_the_mobility_page(client_of, referent_a, mobility, returned):
    client = client_of(referent_a)
    page = client.get(f"/mobilities/{mobility.pk}/").content.decode()
    assert as_html("No decision yet", referent_a.preferred_language) in page
    client.post(
        f"/mobilities/{mobility.pk}/recognition/",
        {f"unit_{returned.pk}_decision": "recognised", f"unit_{returned.pk}_date": "2026-04-20"},
    )
    page = client.get(f"/mobilities/{mobility.pk}/").content.decode()
    assert f"UP2: {as_html('Recognised', referent_a.preferred_language)}" in page


def test_a_decision_needs_a_date_not_in_the_future(mobility, referent_a, returned):
    future = datetime.date.today() + datetime.timedelta(days=3)
    with pytest.raises(ValidationError, match="future"):
        services_recognition.recognition_record(
            mobility=mobility,
            decisions=[{"unit": returned, "decision": "recognised", "decided_on": future}],
            acting_user=referent_a,
        )
    with pytest.raises(ValidationError, match="date of the decision"):
        services_recognition.recognition_record(
            mobility=mobility,
            decisions=[{"unit": returned, "decision": "recognised", "decided_on": None}],
            acting_user=referent_a,
        )


def test_recognition_waits_for_the_return(mobility, referent_a, returned):
    mobility.status = MobilityStatus.IN_PROGRESS
    mobility.save(update_fields=["status"])
    with pytest.raises(ValidationError, match="after the learner's return"):
        services_recognition.recognition_record(
            mobility=mobility, decisions=[{"unit": returned, "decision": "recognised", "decided_on": datetime.date(2026, 4, 1)}],
            acting_user=referent_a,
        )  # fmt: skip


def test_a_unit_outside_the_mobility_is_refused(mobility, referent_a, returned):
    stranger = factories.UnitFactory()
    with pytest.raises(ValidationError):
        services_recognition.recognition_record(
            mobility=mobility, decisions=[{"unit": stranger, "decision": "recognised", "decided_on": datetime.date(2026, 4, 1)}],
            acting_user=referent_a,
        )  # fmt: skip


def test_an_empty_decision_withdraws_the_earlier_one(mobility, referent_a, returned):
    services_recognition.recognition_record(
        mobility=mobility, decisions=[{"unit": returned, "decision": "not_recognised", "decided_on": datetime.date(2026, 4, 1)}],
        acting_user=referent_a,
    )  # fmt: skip
    services_recognition.recognition_record(
        mobility=mobility, decisions=[{"unit": returned, "decision": ""}], acting_user=referent_a
    )
    assert not Recognition.objects.exists()


def test_read_only_staff_cannot_record_recognition(client_of, readonly_a, mobility, returned):
    response = client_of(readonly_a).post(
        f"/mobilities/{mobility.pk}/recognition/",
        {f"unit_{returned.pk}_decision": "recognised", f"unit_{returned.pk}_date": "2026-04-20"},
    )
    assert response.status_code == 403
    assert not Recognition.objects.exists()


# --- Tutor's other pages ------------------------------------------------------------------------
def test_the_tutor_confirms_the_dates_and_the_referent_is_told(tutor_client, mobility):
    response = tutor_client.post(f"/guest/{mobility.pk}/confirm/", {"answer": "yes"})
    assert response.status_code == 302
    assert mobility.host_confirmation.holds_for(mobility)
    assert OutboundEmail.objects.filter(kind="referent.placement_answer").count() == 1


def test_other_dates_must_be_given_and_ordered(tutor_client, mobility):
    response = tutor_client.post(
        f"/guest/{mobility.pk}/confirm/",
        {"answer": "other", "proposed_start": "2026-03-20", "proposed_end": "2026-03-10"},
    )
    assert response.status_code == 200
    assert as_html("The end date is before the start date.", "es") in response.content.decode()
    tutor_client.post(
        f"/guest/{mobility.pk}/confirm/",
        {"answer": "other", "proposed_start": "2026-03-09", "proposed_end": "2026-04-03"},
    )
    answer = mobility.host_confirmation
    assert not answer.dates_confirmed and answer.proposed_end == datetime.date(2026, 4, 3)


def test_a_signature_through_the_proxy_records_the_signers_address(tutor_client, mobility, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    tutor_client.post(
        f"/guest/{mobility.pk}/agreement/",
        {"signer_name": "Lucía García", "agree": "on"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.40",
    )
    assert mobility.agreements.get().signatures.get().ip == "203.0.113.40"


def test_the_tutor_signs_the_agreement_for_the_host(tutor_client, mobility):
    response = tutor_client.post(
        f"/guest/{mobility.pk}/agreement/", {"signer_name": "Lucía García", "agree": "on"}
    )
    assert response.status_code == 302
    signature = mobility.agreements.get().signatures.get()
    assert (signature.party, signature.signer_name, signature.recorded_by) == ("host", "Lucía García", None)


def test_a_followup_needing_attention_reaches_the_referent(tutor_client, mobility):
    response = tutor_client.post(
        f"/guest/{mobility.pk}/follow-ups/",
        {
            "done_on": "2026-03-09",
            "channel": "phone",
            "wellbeing": "2",
            "notes": "Retrasos",
            "needs_attention": "on",
        },
    )
    assert response.status_code == 302
    followup = mobility.followups.get(done_on=datetime.date(2026, 3, 9))
    assert followup.author_kind == "tutor" and followup.needs_attention
    assert OutboundEmail.objects.filter(kind="referent.followup_attention").count() == 1


def test_audit_entries_of_guests_hold_no_free_text(tutor_client, mobility):
    tutor_client.post(f"/guest/{mobility.pk}/evaluation/", complete_form(mobility))
    for entry in AuditEntry.objects.filter(action__startswith="evaluation."):
        assert "Una aprendiz motivada." not in str(entry.data)


def test_the_guest_link_lives_on_after_the_evaluation(mobility, invite):
    invite(mobility)
    assert guests.live_link(mobility=mobility, role=GuestRole.TUTOR).is_usable


def test_submitting_ticks_the_tutors_evaluation_task(tutor_client, mobility):
    from mobility.catalogue.models import Assignee, Step
    from mobility.tracking.models import ChecklistItem

    task = ChecklistItem.objects.create(
        mobility=mobility,
        step=Step.EVALUATE,
        title="Collect the host tutor's evaluation",
        assignee=Assignee.TUTOR,
    )
    tutor_client.post(f"/guest/{mobility.pk}/evaluation/", complete_form(mobility))
    task.refresh_from_db()
    assert task.is_done and task.done_by_label == "Lucía García (Host tutor)"
