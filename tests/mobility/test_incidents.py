"""Incidents during a stay: recorded within the stay, all or nothing; a serious one e-mails the centre's
referents and administrators at once; shown on the mobility's page and its history."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from mobility.care import services as care
from mobility.care.models import Incident
from mobility.mobilities.models import MobilityStatus
from partners.emails.models import OutboundEmail

from .. import factories

pytestmark = pytest.mark.django_db

BAIT = '<script>alert(1)</script> =HYPERLINK("http://x") {{ secret }}'


@pytest.fixture
def stay(centre_a):
    minor = factories.LearnerFactory(
        centre=centre_a, date_of_birth=datetime.date(2010, 5, 1),
        guardian_name="Marie Dupont", guardian_phone="+33 6 12 34 56 78",
    )  # fmt: skip
    return factories.MobilityFactory(
        participant=minor, status=MobilityStatus.IN_PROGRESS, host_city="Valencia",
        planned_start=datetime.date(2026, 3, 2), planned_end=datetime.date(2026, 3, 27),
    )  # fmt: skip


def _data(**over):
    data = {"kind": "accident", "severity": "minor", "occurred_on": datetime.date(2026, 3, 10),
            "place": "Valencia, bakery", "description": "Cut on the hand", "actions": "First aid",
            "informed": "Tutor 10:00", "guardians_informed_at": None, "led_to_interruption": False}  # fmt: skip
    data.update(over)
    return data


def test_an_incident_outside_the_stay_names_the_date_and_saves_nothing(stay, referent_a):
    with pytest.raises(ValidationError) as exc:
        care.incident_record(
            mobility=stay, data=_data(occurred_on=datetime.date(2026, 4, 2)), acting_user=referent_a
        )
    assert list(exc.value.message_dict) == ["occurred_on"]
    assert "02/03/2026" in exc.value.message_dict["occurred_on"][0]
    assert not Incident.objects.exists()


def test_a_serious_incident_emails_the_centres_referents_and_admins(stay, referent_a, centre_a, chamber_a):
    admin = factories.UserFactory(email="direction@cfa.example")
    factories.MembershipFactory(user=admin, organisation=centre_a, role="centre_admin")
    reader = factories.UserFactory(email="lecture@cfa.example")
    factories.MembershipFactory(user=reader, organisation=centre_a, role="readonly")
    care.incident_record(mobility=stay, data=_data(), acting_user=referent_a)
    assert not OutboundEmail.objects.filter(kind="care.incident.serious").exists()
    incident = care.incident_record(
        mobility=stay, data=_data(severity="serious", description=BAIT), acting_user=referent_a
    )
    sent = OutboundEmail.objects.filter(kind="care.incident.serious")
    recipients = set(sent.values_list("to", flat=True))
    assert referent_a.email in recipients and "direction@cfa.example" in recipients
    assert "lecture@cfa.example" not in recipients
    assert incident.notified_at is not None
    message = sent.first()
    assert "<script>" not in message.body_html and "&lt;script&gt;" in message.body_html
    assert "{{ secret }}" in message.body_text  # typed text is shown, never rendered as a template


def test_the_incident_pages(client, stay, referent_a, readonly_a, referent_b, django_assert_max_num_queries):
    care.incident_record(mobility=stay, data=_data(description=BAIT), acting_user=referent_a)
    client.force_login(referent_a)
    with django_assert_max_num_queries(14):
        html = client.get(f"/mobilities/{stay.pk}/incidents/").content.decode()
    assert "&lt;script&gt;" in html and "<script>alert" not in html
    assert "Marie Dupont" in html  # a minor: the guardians to inform
    form = {k: v for k, v in _data().items() if v is not None}
    response = client.post(f"/mobilities/{stay.pk}/incidents/", {**form, "occurred_on": "2026-05-01"})
    assert response.status_code == 200 and "during the stay" in response.content.decode()
    response = client.post(f"/mobilities/{stay.pk}/incidents/", {**{k: v for k, v in _data().items() if v is not None},
                           "led_to_interruption": ""})  # fmt: skip
    assert response.status_code == 302 and Incident.objects.count() == 2
    assert "Incidents" in client.get(f"/mobilities/{stay.pk}/").content.decode()
    incident = Incident.objects.first()
    response = client.post(f"/mobilities/{stay.pk}/incidents/{incident.pk}/",
                           {**{k: v for k, v in _data().items() if v is not None}, "close": "1"})  # fmt: skip
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.closed_at is not None
    client.force_login(readonly_a)
    assert client.get(f"/mobilities/{stay.pk}/incidents/").status_code == 200
    assert client.post(f"/mobilities/{stay.pk}/incidents/", form).status_code == 403
    client.force_login(referent_b)
    assert client.get(f"/mobilities/{stay.pk}/incidents/").status_code == 404


def test_the_activity_report_counts_incidents_only(stay, referent_a):
    from django.utils import translation

    from mobility.data import reports

    care.incident_record(mobility=stay, data=_data(), acting_user=referent_a)
    care.incident_record(mobility=stay, data=_data(severity="serious"), acting_user=referent_a)
    with translation.override("en"):
        report = reports.activity_report(
            user=referent_a, scope=reports.report_scope_resolve(referent_a, "all"),
            start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31),
        )  # fmt: skip
    table = report.table("incidents")
    assert table.rows == [["Accident or injury", 2, 1, 0, 1]]
    assert "Cut on the hand" not in str(table.rows) + table.note


def test_the_timeline_shows_a_mobilitys_incidents(client, stay, referent_a):
    care.incident_record(mobility=stay, data=_data(), acting_user=referent_a)
    client.force_login(referent_a)
    html = client.get("/timeline/?start=2026-03-01&months=3").content.decode()
    assert f"/mobilities/{stay.pk}/incidents/" in html and "1 incident" in html


def test_an_erasure_keeps_the_counts_and_removes_the_texts(stay, referent_a, settings, tmp_path):
    from mobility.privacy.erasure import learner_erase
    from mobility.quality.models import ParticipantReport, ReportAnswer, ReportQuestion

    settings.MEDIA_ROOT = tmp_path / "media"
    incident = care.incident_record(
        mobility=stay, data=_data(description="Léa s'est coupée"), acting_user=referent_a
    )
    report = ParticipantReport.objects.create(mobility=stay)
    ReportAnswer.objects.create(
        report=report, question=ReportQuestion.objects.get(code="comments"), text="Léa ici"
    )
    ReportAnswer.objects.create(report=report, question=ReportQuestion.objects.get(code="overall"), rating=4)
    learner_erase(learner=stay.participant, acting_user=referent_a)
    incident.refresh_from_db()
    assert (
        incident.kind == "accident" and "Léa" not in incident.description + incident.place + incident.informed
    )
    assert not ReportAnswer.objects.filter(text__contains="Léa").exists()
    assert ReportAnswer.objects.filter(rating=4).exists()
