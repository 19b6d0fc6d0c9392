"""The participant's end-of-stay report: sent by their link once the stay ended, answered once, in
their language; reminders; the referent's status pages; the activity report's part."""

import datetime
import html as htmllib

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from mobility.guests.models import AccessLink, GuestRole
from mobility.mobilities.models import MobilityStatus
from mobility.quality import services as quality
from mobility.quality.models import ParticipantReport, ReportAnswer, ReportQuestion
from partners.audit.models import AuditEntry

from .. import factories
from .conftest import deliver_all, key_from

pytestmark = pytest.mark.django_db


def _answers(**over):
    values = {}
    for q in ReportQuestion.objects.filter(network__isnull=True, active=True):
        values[f"q{q.pk}"] = {"rating": "4", "yes_no": "yes", "text": "Très bien"}[q.kind]
    for code, value in over.items():
        values[f"q{ReportQuestion.objects.get(code=code, network__isnull=True).pk}"] = value
    return values


@pytest.fixture
def finished(mobility):
    mobility.status = MobilityStatus.COMPLETED
    mobility.save(update_fields=["status"])
    return mobility


@pytest.fixture
def learner_client(client, finished, invite):
    key = invite(finished, role=GuestRole.LEARNER)
    assert client.get(f"/t/{key}").status_code == 302
    return client


def test_the_questions_are_seeded_in_five_languages(db):
    welcome = ReportQuestion.objects.get(code="welcome", network__isnull=True)
    assert welcome.label_in("fr") == "Accueil et intégration chez l'hôte"
    assert ReportQuestion.objects.get(code="recommend").kind == "yes_no"


def test_the_daily_run_sends_the_questionnaire_once_and_reminds(finished, settings):
    today = timezone.localdate()
    finished.planned_end = today - datetime.timedelta(days=1)
    finished.save(update_fields=["planned_end"])
    assert quality.reports_send_due(today=today) == {"sent": 1, "reminded": 0}
    sent = deliver_all()
    assert len(sent) == 1 and "lea.dupont@apprentis.example" in sent[0].to[0]
    assert key_from(sent[0])
    assert quality.reports_send_due(today=today) == {"sent": 0, "reminded": 0}
    # First reminder four days later, one a day at most, none once answered.
    assert quality.reports_send_due(today=today + datetime.timedelta(days=4))["reminded"] == 1
    assert quality.reports_send_due(today=today + datetime.timedelta(days=4))["reminded"] == 0
    assert ParticipantReport.objects.get().reminders_sent == 1
    assert AuditEntry.objects.filter(action="report.send").exists()


def test_no_questionnaire_before_the_end_date(mobility, learner_client):
    future = factories.MobilityFactory(
        participant=mobility.participant, status=MobilityStatus.IN_PROGRESS,
        planned_start=timezone.localdate() - datetime.timedelta(days=3),
        planned_end=timezone.localdate() + datetime.timedelta(days=10),
    )  # fmt: skip
    assert (
        quality.reports_send_due() == {"sent": 0, "reminded": 0}
        or not ParticipantReport.objects.filter(mobility=future).exists()
    )
    link = AccessLink.objects.get(mobility=mobility.pk, role=GuestRole.LEARNER)

    class Grant:
        role = GuestRole.LEARNER
        label = "Learner"

    Grant.link = link
    with pytest.raises(ValidationError, match="last day"):
        quality.report_submit(mobility=future, grant=Grant, answers=_answers(), language="fr")
    assert not ParticipantReport.objects.filter(mobility=future).exists()


def test_the_learner_answers_in_their_language_once(learner_client, finished, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        page = learner_client.get(f"/guest/{finished.pk}/report/", HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 200
    assert "Accueil et intégration chez l'hôte" in htmllib.unescape(page.content.decode())
    response = learner_client.post(
        f"/guest/{finished.pk}/report/", _answers(comments="<script>alert(1)</script>")
    )
    assert response.status_code == 302
    report = ParticipantReport.objects.get(mobility=finished)
    assert report.answered_at and report.answers.count() == ReportQuestion.objects.count()
    assert AuditEntry.objects.filter(action="report.answer", actor_label="Learner").exists()
    # Twice: a clear message, nothing saved again.
    again = learner_client.post(f"/guest/{finished.pk}/report/", _answers(), follow=True)
    assert "déjà répondu" in htmllib.unescape(again.content.decode())
    assert ReportAnswer.objects.filter(report=report).count() == ReportQuestion.objects.count()


def test_a_rating_outside_the_scale_names_the_question_and_saves_nothing(learner_client, finished):
    response = learner_client.post(f"/guest/{finished.pk}/report/", _answers(welcome="9"))
    assert response.status_code == 200
    assert "Accueil et intégration chez l'hôte" in htmllib.unescape(response.content.decode())
    assert not ReportAnswer.objects.exists()
    with pytest.raises(ValidationError) as exc:
        quality._clean_value(ReportQuestion.objects.get(code="overall"), "0")
    assert list(exc.value.message_dict) == [f"q{ReportQuestion.objects.get(code='overall').pk}"]


def test_an_expired_link_cannot_answer(learner_client, finished):
    AccessLink.objects.filter(mobility=finished).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    response = learner_client.post(f"/guest/{finished.pk}/report/", _answers())
    assert response.status_code in (302, 404, 410)
    assert not ParticipantReport.objects.filter(answered_at__isnull=False).exists()


def test_a_network_adds_a_question_without_a_deployment(learner_client, finished):
    network = finished.centre.parent
    ReportQuestion.objects.create(
        network=network, code="canteen", kind="rating", name="The canteen", order=75
    )
    other = factories.NetworkFactory(name="Another network")
    if other is not None:
        ReportQuestion.objects.create(network=other, code="canteen", kind="rating", name="Other network's")
    html = learner_client.get(f"/guest/{finished.pk}/report/").content.decode()
    assert "The canteen" in html and "Other network's" not in html


def test_the_referent_sees_the_status_per_mobility_and_group(client, referent_a, finished, other_mobility,
                                                             django_assert_max_num_queries):  # fmt: skip
    other_mobility.status = MobilityStatus.COMPLETED
    other_mobility.save(update_fields=["status"])
    client.force_login(referent_a)
    quality.report_send_now(mobility=finished, acting_user=referent_a)
    with django_assert_max_num_queries(12):
        html = client.get("/quality/reports/").content.decode()
    assert finished.reference in html and "Sent" in html and "Not sent" in html
    assert client.get(f"/quality/mobilities/{finished.pk}/report/").status_code == 200
    html = client.get(f"/mobilities/{finished.pk}/").content.decode()
    assert "end-of-stay report" in html


def test_the_answers_feed_the_activity_report(learner_client, finished, referent_a):
    from mobility.data import reports

    learner_client.post(f"/guest/{finished.pk}/report/", _answers(overall="3", recommend="no"))
    with translation.override("en"):
        report = reports.activity_report(
            user=referent_a,
            scope=reports.report_scope_resolve(referent_a, "all"),
            start=datetime.date(2026, 1, 1),
            end=datetime.date(2026, 12, 31),
        )
    assert report.table("participants_by_country").rows == [["Spain", 1, "3.0", "0.0 %"]]
    assert report.table("participants_by_centre").rows[0][1:] == [1, "3.0", "0.0 %"]
    assert report.table("participants_by_activity").rows[0][1] == 1


def test_the_groups_page_counts_its_reports(client, referent_a, finished):
    from mobility.mobilities.models import MobilityGroup

    group = MobilityGroup.objects.create(
        centre=finished.centre, name="Valencia 2026", activity_type=finished.activity_type, host_city="Valencia",
        host_country="ES", planned_start=finished.planned_start, planned_end=finished.planned_end,
    )  # fmt: skip
    finished.group = group
    finished.save(update_fields=["group"])
    quality.report_send_now(mobility=finished, acting_user=referent_a)
    client.force_login(referent_a)
    html = client.get(f"/groups/{group.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/quality/reports/?group={group.pk}" in html
    listed = client.get(f"/quality/reports/?group={group.pk}").content.decode()
    assert finished.reference in listed
