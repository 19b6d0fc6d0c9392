"""Rules of calls and selection, one fact per test, through the services."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from mobility.recruitment import reports
from mobility.recruitment.models import Answer, AppealOutcome, Application, ApplicationStatus, Preference
from mobility.recruitment.services import calls, enrolment, selection
from partners.audit.models import AuditEntry
from tests import factories


def _candidate(call, centre, n, *, places=None, **extra):
    application = Application.objects.create(
        call=call,
        centre=centre,
        first_name=extra.pop("first_name", f"Candidat{n}"),
        last_name=extra.pop("last_name", "Test"),
        date_of_birth=datetime.date(2004, 1, n),
        email=f"c{n}@apprentis.example",
        trade="Boulangerie",
        status=ApplicationStatus.SUBMITTED,
        submitted_at=timezone.now() + datetime.timedelta(minutes=n),
        **extra,
    )
    for rank, place in enumerate(places or list(call.places.order_by("pk")), start=1):
        Preference.objects.create(application=application, place=place, rank=rank)
    return application


def _score(application, referent, points):
    criterion = application.call.criteria.get(label="Motivation")
    return selection.score_record(
        application=application, criterion=criterion, points=points, comment="", acting_user=referent
    )


def _close(call, referent):
    return calls.call_transition(call=call, to_status="closed", acting_user=referent)


def test_a_call_whose_places_add_up_to_zero_cannot_open(centre_a, referent_a):
    call = calls.call_create(
        centre=centre_a,
        data={
            "title": "Vide",
            "activity_type": factories.activity(),
            "opens_on": timezone.localdate(),
            "closes_on": timezone.localdate(),
        },
        acting_user=referent_a,
    )
    calls.criterion_add(
        call=call, data={"label": "Motivation", "weight": 1, "max_points": 10}, acting_user=referent_a
    )
    with pytest.raises(ValidationError) as exc:
        calls.call_transition(call=call, to_status="open", acting_user=referent_a)
    assert "places" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        calls.place_add(
            call=call,
            data={"country": "ES", "places": 0, "start": timezone.localdate(), "end": timezone.localdate()},
            acting_user=referent_a,
        )
    assert "places" in exc.value.message_dict


def test_the_grid_is_fixed_once_open(call, referent_a):
    with pytest.raises(ValidationError):
        calls.criterion_add(
            call=call, data={"label": "Tardif", "weight": 1, "max_points": 10}, acting_user=referent_a
        )


def test_a_readonly_colleague_cannot_create_a_call(centre_a, readonly_a):
    with pytest.raises(Exception) as exc:
        calls.call_create(
            centre=centre_a,
            data={
                "title": "x",
                "activity_type": factories.activity(),
                "opens_on": timezone.localdate(),
                "closes_on": timezone.localdate(),
            },
            acting_user=readonly_a,
        )
    assert "PermissionDenied" in type(exc.value).__name__


def test_each_score_keeps_its_author_and_the_mean_counts(call, centre_a, referent_a, referent_a2):
    a = _candidate(call, centre_a, 1)
    _score(a, referent_a, 10)
    _score(a, referent_a2, 6)
    _score(a, referent_a2, 4)  # scoring again replaces that referent's own score
    a.refresh_from_db()
    assert sorted(a.scores.values_list("referent__email", "points")) == [
        ("alice@montclar.example", 10),
        ("gina@montclar.example", 4),
    ]
    assert str(a.score) == "2.10"  # mean 7 / 10 × weight 3


def test_fewer_opportunities_come_from_the_learner_record_and_break_ties(call, centre_a, referent_a):
    factories.LearnerFactory(centre=centre_a, national_id="FEW1", fewer_opportunities=True)
    plain = _candidate(call, centre_a, 1)
    few = _candidate(call, centre_a, 2, national_id="FEW1")
    from mobility.learners.models import Learner

    few.learner = Learner.objects.get(national_id="FEW1")
    few.save(update_fields=["learner"])
    _score(plain, referent_a, 8)
    _score(few, referent_a, 8)
    plain.refresh_from_db()
    few.refresh_from_db()
    assert few.fewer_opportunities and not plain.fewer_opportunities
    assert few.score > plain.score  # the fewer-opportunities criterion's points (weight 2)
    assert few.rank == 1


def test_the_tie_break_puts_the_earlier_submission_first(call, centre_a, referent_a):
    first = _candidate(call, centre_a, 1)
    second = _candidate(call, centre_a, 2)
    _score(second, referent_a, 5)
    _score(first, referent_a, 5)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.rank, second.rank) == (1, 2)


def test_allocation_follows_rank_and_preference_and_fills_the_waiting_list(call, centre_a, referent_a):
    valencia, porto = list(call.places.order_by("pk"))
    best = _candidate(call, centre_a, 1, places=[valencia])
    second = _candidate(call, centre_a, 2, places=[valencia, porto])
    third = _candidate(call, centre_a, 3, places=[valencia, porto])
    for application, points in ((best, 9), (second, 8), (third, 7)):
        _score(application, referent_a, points)
    _close(call, referent_a)
    result = selection.call_allocate(call=call, acting_user=referent_a)
    assert (result.selected, result.waiting, result.blocked) == (2, 1, 0)
    for a in (best, second, third):
        a.refresh_from_db()
    assert (best.place, second.place, third.status) == (valencia, porto, ApplicationStatus.WAITING)
    assert "vœu n° 2" in second.decision_reason  # in the candidate's language (French)
    assert third.appeal_until == timezone.localdate() + datetime.timedelta(days=call.appeal_days)


def test_a_refusal_needs_a_reason(call, centre_a, referent_a):
    a = _candidate(call, centre_a, 1)
    _close(call, referent_a)
    with pytest.raises(ValidationError) as exc:
        selection.application_decide(
            application=a, status="not_selected", reason=" ", place=None, acting_user=referent_a
        )
    assert "reason" in exc.value.message_dict
    a.refresh_from_db()
    assert a.status == ApplicationStatus.SUBMITTED


def test_an_apprentice_whose_employer_refused_cannot_be_selected(call, centre_a, referent_a):
    a = _candidate(
        call,
        centre_a,
        1,
        is_apprentice=True,
        employer_name="Boulangerie Martin",
        employer_answer=Answer.REFUSED,
        employer_reason="Pleine saison",
    )
    _close(call, referent_a)
    with pytest.raises(ValidationError) as exc:
        selection.application_decide(
            application=a, status="selected", reason="", place=call.places.first(), acting_user=referent_a
        )
    assert "Pleine saison" in str(exc.value.message_dict["status"])


def test_the_last_place_goes_to_one_candidate_only(call, centre_a, referent_a, referent_a2):
    valencia = call.places.order_by("pk").first()  # one place
    first, second = _candidate(call, centre_a, 1), _candidate(call, centre_a, 2)
    _close(call, referent_a)
    selection.application_decide(
        application=first, status="selected", reason="", place=valencia, acting_user=referent_a
    )
    with pytest.raises(ValidationError) as exc:
        selection.application_decide(
            application=second, status="selected", reason="", place=valencia, acting_user=referent_a2
        )
    assert "has just been given" in str(exc.value.message_dict["place"])


def test_an_appeal_within_the_window_is_recorded_and_decided(call, centre_a, referent_a):
    a = _candidate(call, centre_a, 1)
    _close(call, referent_a)
    selection.application_decide(
        application=a, status="not_selected", reason="Dossier incomplet", place=None, acting_user=referent_a
    )
    selection.appeal_record(application=a, text="J'ai envoyé la lettre.")
    with pytest.raises(ValidationError):
        selection.appeal_record(application=a, text="Encore")
    selection.appeal_decide(
        application=a, outcome=AppealOutcome.UPHELD, reason="Lettre retrouvée", acting_user=referent_a
    )
    a.refresh_from_db()
    assert a.status == ApplicationStatus.SUBMITTED and a.appeal_outcome == AppealOutcome.UPHELD
    assert AuditEntry.objects.filter(action="application.appeal_decide", target_id=str(a.pk)).exists()


def test_an_appeal_after_the_window_is_refused(call, centre_a, referent_a):
    a = _candidate(call, centre_a, 1)
    _close(call, referent_a)
    selection.application_decide(
        application=a, status="not_selected", reason="Dossier incomplet", place=None, acting_user=referent_a
    )
    Application.objects.filter(pk=a.pk).update(appeal_until=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ValidationError):
        selection.appeal_record(application=a, text="Trop tard")


def test_selected_candidates_become_a_group(call, centre_a, referent_a, host):
    call.places.filter(host_organisation=host).update(places=2)
    valencia = call.places.get(host_organisation=host)
    a, b = _candidate(call, centre_a, 1), _candidate(call, centre_a, 2)
    _close(call, referent_a)
    for application in (a, b):
        selection.application_decide(
            application=application, status="selected", reason="", place=valencia, acting_user=referent_a
        )
    group = enrolment.applications_to_group(applications=[a, b], name="Valence", acting_user=referent_a)
    assert group.mobilities.count() == 2
    assert {m.host_organisation_id for m in group.mobilities.all()} == {host.pk}
    a.refresh_from_db()
    assert a.mobility.group == group


def test_a_minor_s_guardian_agreement_becomes_a_parental_consent(call, centre_a, referent_a):
    today = timezone.localdate()
    a = _candidate(
        call,
        centre_a,
        1,
        guardian_name="Anne Petit",
        guardian_email="anne@famille.example",
        guardian_answer=Answer.AGREED,
        guardian_answer_by="Anne Petit",
        guardian_answer_at=timezone.now(),
    )
    Application.objects.filter(pk=a.pk).update(date_of_birth=today.replace(year=today.year - 16))
    a.refresh_from_db()
    _close(call, referent_a)
    selection.application_decide(
        application=a, status="selected", reason="", place=call.places.first(), acting_user=referent_a
    )
    mobility = enrolment.application_to_mobility(application=a, acting_user=referent_a)
    assert mobility.consents.get().given_by == "Anne Petit"


def test_the_report_counts_and_the_workbook_is_formula_safe(call, centre_a, referent_a):
    from openpyxl import load_workbook

    a = _candidate(call, centre_a, 1, first_name='=HYPERLINK("http://evil.example")')
    _candidate(call, centre_a, 2)
    _close(call, referent_a)
    selection.application_decide(
        application=a, status="not_selected", reason="=1+1", place=None, acting_user=referent_a
    )
    applications = list(Application.objects.filter(call=call))
    report = reports.selection_report(call=call, applications=applications)
    assert (report.total.applications, report.total.refused, report.total.eligible) == (2, 1, 2)
    data = reports.selection_report_xlsx(call=call, applications=applications, user=referent_a)
    sheet = load_workbook(io.BytesIO(data)).worksheets[1]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    baits = [c for c in cells if c.value.startswith("=")]
    assert {c.value for c in baits} == {'=HYPERLINK("http://evil.example") Test', "=1+1"}
    assert all(c.data_type == "s" for c in baits)  # text, never a formula


def test_erasing_the_learner_erases_their_applications_and_the_archive_lists_them(call, centre_a, referent_a):
    from mobility.privacy.archive import learner_export_collect
    from mobility.privacy.erasure import learner_erase

    a = _candidate(call, centre_a, 1, motivation="J'aime le pain.")
    _close(call, referent_a)
    selection.application_decide(
        application=a, status="selected", reason="", place=call.places.first(), acting_user=referent_a
    )
    mobility = enrolment.application_to_mobility(application=a, acting_user=referent_a)
    collected = learner_export_collect(learner=mobility.participant)
    assert "J'aime le pain." in str(collected)
    learner_erase(learner=mobility.participant, acting_user=referent_a)
    assert not Application.objects.filter(pk=a.pk).exists()


def test_a_criterion_posted_on_the_calls_page_is_added_or_its_errors_shown(client_of, referent_a, call):
    client = client_of(referent_a)
    data = {"label": "Assiduité", "weight": "2", "max_points": "10", "source": "scored"}
    refused = client.post(f"/calls/{call.pk}/criteria/", {**data, "label": ""})
    assert refused.status_code == 400 and refused.context["criterion_form"].errors["label"]
    fixed = client.post(f"/calls/{call.pk}/criteria/", data)  # the call is open: its grid is fixed
    assert fixed.status_code == 400 and "fixed once the call is open" in str(
        fixed.context["criterion_form"].errors
    )
    call.status = "draft"
    call.save(update_fields=["status"])
    before = call.criteria.count()
    assert client.post(f"/calls/{call.pk}/criteria/", data).status_code == 302
    assert call.criteria.count() == before + 1
