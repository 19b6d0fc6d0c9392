"""Groups, projects, the timeline, the dashboard, the partner panel and the catalogue admin."""

import datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mobility.documents import services as documents_services
from mobility.groups import services as groups_services
from mobility.mobilities import services as mobilities_services
from mobility.mobilities.models import Mobility, MobilityGroup, MobilityStatus
from mobility.projects.models import Project
from mobility.tracking import services
from partners import panels

from .. import factories

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def _group_post(learners, **extra):
    return {
        "name": "Valence printemps",
        "activity_type": factories.activity("group-exploration").pk,
        "host_city": "Valencia",
        "host_country": "ES",
        "planned_start": "2026-04-13",
        "planned_end": "2026-04-17",
        "accompanying_persons": "Aurélie Marchand, formatrice, +33 6 12 34 56 78",
        "participants": [learner.pk for learner in learners],
        **extra,
    }


# --- Groups ----------------------------------------------------------------------------------
def test_a_group_departure_creates_a_mobility_per_learner(client_of, referent_a, centre_a, host):
    learners = [factories.LearnerFactory(centre=centre_a) for _ in range(4)]
    response = client_of(referent_a).post("/groups/new/", _group_post(learners, host_organisation=host.pk))
    group = MobilityGroup.objects.get()
    assert response.status_code == 302 and response.url == f"/groups/{group.pk}/"
    assert group.mobilities.count() == 4
    assert set(group.mobilities.values_list("host_organisation", flat=True)) == {host.pk}
    assert group.mobilities.first().accompanying_person.startswith("Aurélie Marchand")


def test_a_group_is_all_or_nothing_and_names_the_learner_in_error(client_of, referent_a, centre_a, mobility):
    busy = mobility.participant  # away from 2 to 27 March 2026
    free = factories.LearnerFactory(centre=centre_a)
    data = _group_post([busy, free], planned_start="2026-03-23", planned_end="2026-03-27")
    response = client_of(referent_a).post("/groups/new/", data)
    assert response.status_code == 400
    errors = response.context["members"].errors["participants"]
    assert busy.full_name in errors[0] and "overlap" in errors[0]
    assert not MobilityGroup.objects.exists()
    assert Mobility.objects.count() == 1


def test_a_group_too_long_for_its_activity_is_refused_once_on_the_end_date(client_of, referent_a, centre_a):
    learners = [factories.LearnerFactory(centre=centre_a) for _ in range(3)]
    response = client_of(referent_a).post("/groups/new/", _group_post(learners, planned_end="2026-04-30"))
    assert "at most 8 days" in response.context["form"].errors["planned_end"][0]
    assert not response.context["members"].errors


def test_each_members_host_and_tutor_are_adjusted_on_the_group_page(
    client_of, referent_a, group, host, tutor
):
    member = group.mobilities.get()
    prefix = f"m{member.pk}"
    response = client_of(referent_a).post(
        f"/groups/{group.pk}/members/{member.pk}/",
        {f"{prefix}-host_organisation": host.pk, f"{prefix}-host_tutor": tutor.pk},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.host_organisation, member.host_tutor) == (host, tutor)


def test_a_tutor_of_another_host_is_refused_for_a_member(client_of, referent_a, group, host):
    member = group.mobilities.get()
    stranger = factories.ContactFactory()
    prefix = f"m{member.pk}"
    response = client_of(referent_a).post(
        f"/groups/{group.pk}/members/{member.pk}/",
        {f"{prefix}-host_organisation": host.pk, f"{prefix}-host_tutor": stranger.pk},
    )
    assert response.status_code == 400
    member.refresh_from_db()
    assert member.host_tutor is None


def test_a_late_recruit_joins_the_group(client_of, referent_a, centre_a, group):
    late = factories.LearnerFactory(centre=centre_a)
    client = client_of(referent_a)
    response = client.post(f"/groups/{group.pk}/members/?lang=fr", {"participants": [late.pk]}, follow=True)
    assert group.mobilities.filter(participant=late).exists()
    assert "1 participant ajouté au groupe." in response.content.decode()  # one, in the singular


def test_new_group_dates_move_the_members_not_yet_under_way(client_of, referent_a, group):
    data = _group_post([], planned_start="2026-04-20", planned_end="2026-04-24")
    data.pop("participants")
    assert client_of(referent_a).post(f"/groups/{group.pk}/edit/", data).status_code == 302
    assert group.mobilities.get().planned_start == datetime.date(2026, 4, 20)


def test_the_group_page_costs_the_same_queries_for_2_and_12_members(
    client_of, referent_a, centre_a, host, tutor
):
    learners = [factories.LearnerFactory(centre=centre_a) for _ in range(12)]
    data = {
        "name": "G",
        "activity_type": factories.activity("group-exploration"),
        "host_city": "Valencia",
        "host_country": "ES",
        "planned_start": datetime.date(2026, 4, 13),
        "planned_end": datetime.date(2026, 4, 17),
    }
    small = groups_services.group_create(
        centre=centre_a, data=data, participants=learners[:2], host_organisation=host, acting_user=referent_a
    )
    large = groups_services.group_create(
        centre=centre_a,
        data={
            **data,
            "name": "H",
            "planned_start": datetime.date(2026, 5, 4),
            "planned_end": datetime.date(2026, 5, 8),
        },
        participants=learners[2:],
        host_organisation=host,
        acting_user=referent_a,
    )
    client = client_of(referent_a)
    assert _count(client, f"/groups/{small.pk}/") == _count(client, f"/groups/{large.pk}/")


# --- Projects --------------------------------------------------------------------------------
def test_a_project_is_created_with_its_budget_lines(client_of, referent_a, centre_a):
    response = client_of(referent_a).post(
        "/projects/new/",
        {
            "organisation": centre_a.pk,
            "title": "Apprentis en Europe",
            "programme": "Erasmus+",
            "grant_agreement_number": "2026-1-fr01-ka121-vet-000123456",
            "key_action": "KA121",
            "call_year": "2026",
            "start_date": "2026-06-01",
            "end_date": "2028-05-31",
            "budget_lines": "OS | Soutien organisationnel | 12 000\nTRAV | Voyage | 8500,50",
        },
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert project.grant_agreement_number == "2026-1-FR01-KA121-VET-000123456"
    assert project.budget_lines[1] == {"code": "TRAV", "label": "Voyage", "amount": 8500.5}


def test_a_malformed_grant_number_and_budget_line_are_named(client_of, referent_a, centre_a):
    response = client_of(referent_a).post(
        "/projects/new/",
        {
            "organisation": centre_a.pk,
            "title": "X",
            "programme": "Erasmus+",
            "grant_agreement_number": "KA121-2026",
            "start_date": "2026-06-01",
            "end_date": "2026-05-01",
            "budget_lines": "OS | Soutien | douze mille",
        },
    )
    errors = response.context["form"].errors
    assert response.status_code == 400
    assert {"grant_agreement_number", "budget_lines", "end_date"} <= set(errors)
    assert "Line 1" in errors["budget_lines"][0]
    assert not Project.objects.exists()


def test_the_project_page_lists_its_mobilities_only(client_of, referent_a, centre_a, project, mobility):
    other = factories.MobilityFactory(participant=factories.LearnerFactory(centre=centre_a))
    mobilities_services.mobility_update(mobility=mobility, data={"project": project}, acting_user=referent_a)
    page = client_of(referent_a).get(f"/projects/{project.pk}/").context["page"]
    assert list(page) == [mobility] and other not in page


def test_another_chambers_project_is_a_404(client_of, referent_b, project):
    assert client_of(referent_b).get(f"/projects/{project.pk}/").status_code == 404


# --- Timeline --------------------------------------------------------------------------------
def test_the_timeline_draws_a_bar_where_the_mobility_falls(client_of, referent_a, mobility):
    response = client_of(referent_a).get("/timeline/?start=2026-03&months=3")
    (row,) = response.context["rows"]
    # 1 to 27 March out of 92 days (March to May).
    assert (row["left"], row["width"]) == ("1.087", "28.261")
    assert f"timeline__bar--{mobility.status}".encode() in response.content


def test_the_timeline_filters_by_group(client_of, referent_a, mobility, group):
    response = client_of(referent_a).get(f"/timeline/?start=2026-01&months=6&group={group.pk}")
    assert [row["mobility"].group_id for row in response.context["rows"]] == [group.pk]


def test_the_timeline_costs_the_same_queries_for_5_and_40_mobilities(client_of, referent_a, centre_a):
    client = client_of(referent_a)
    for _ in range(5):
        factories.MobilityFactory(participant=factories.LearnerFactory(centre=centre_a))
    few = _count(client, "/timeline/?start=2026-01&months=6")
    for _ in range(35):
        factories.MobilityFactory(participant=factories.LearnerFactory(centre=centre_a))
    assert _count(client, "/timeline/?start=2026-01&months=6") == few


# --- Dashboard -------------------------------------------------------------------------------
def test_the_dashboard_shows_departures_and_who_is_abroad(client_of, referent_a, centre_a):
    today = timezone.localdate()
    leaving = factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_a, last_name="Partant"),
        status=MobilityStatus.CONFIRMED,
        planned_start=today + datetime.timedelta(days=10),
        planned_end=today + datetime.timedelta(days=30),
    )
    factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_a),
        status=MobilityStatus.IN_PROGRESS,
        host_country="DE",
        planned_start=today - datetime.timedelta(days=5),
        planned_end=today + datetime.timedelta(days=15),
    )
    response = client_of(referent_a).get("/")
    assert response.context["departures"] == [leaving]
    assert response.context["abroad_by_country"] == [{"host_country": "DE", "count": 1}]
    assert "Germany" in response.content.decode()


def _upload(learner, code, *, mobility=None, valid_until=None, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from mobility.catalogue.models import DocumentType

    from .conftest import PDF

    return documents_services.document_upload(
        learner=learner,
        mobility=mobility,
        document_type=DocumentType.objects.get(code=code),
        upload=SimpleUploadedFile(f"{code}.pdf", PDF, "application/pdf"),
        valid_until=valid_until,
        acting_user=user,
    )


def test_the_dashboard_lists_missing_documents_by_the_rule_of_the_mobility_page(
    client_of, referent_a, centre_a
):
    from mobility.documents import selectors

    today = timezone.localdate()
    learner = factories.LearnerFactory(centre=centre_a, last_name="Sansdossier")
    earlier = factories.MobilityFactory(
        participant=learner,
        status=MobilityStatus.COMPLETED,
        planned_start=today - datetime.timedelta(days=90),
        planned_end=today - datetime.timedelta(days=70),
    )
    leaving = factories.MobilityFactory(
        participant=learner,
        status=MobilityStatus.PLANNED,
        planned_start=today + datetime.timedelta(days=10),
        planned_end=today + datetime.timedelta(days=30),
    )
    _upload(learner, "insurance", mobility=earlier, user=referent_a)  # another stay's insurance
    _upload(
        learner, "ehic", valid_until=today + datetime.timedelta(days=20), user=referent_a
    )  # expires abroad
    _upload(learner, "identity", user=referent_a)  # the learner's, for every stay

    response = client_of(referent_a).get("/")

    expected = {t.code for t in selectors.missing_documents(mobility=leaving)}
    assert expected == {"insurance", "ehic"}
    assert [(m, {t.code for t in lacking}) for m, lacking in response.context["missing_documents"]] == [
        (leaving, expected)
    ]
    assert response.context["missing_documents_total"] == 1


def test_the_dashboard_shows_overdue_tasks_evaluations_and_certificates_to_issue(
    client_of, referent_a, centre_a
):
    from mobility.evaluations.models import Evaluation, EvaluationKind, EvaluationStatus

    today = timezone.localdate()
    late = factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_a),
        status=MobilityStatus.PLANNED,
        planned_start=today + datetime.timedelta(days=20),
        planned_end=today + datetime.timedelta(days=40),
    )
    task = services.checklist_item_add(
        mobility=late,
        step="prepare",
        title="Réserver les billets",
        due_date=today - datetime.timedelta(days=2),
        assignee="referent",
        acting_user=referent_a,
    )
    back = factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_a), status=MobilityStatus.COMPLETED
    )
    Evaluation.objects.create(mobility=back, kind=EvaluationKind.TUTOR, status=EvaluationStatus.SUBMITTED)
    for _ in range(16):
        factories.MobilityFactory(
            participant=factories.LearnerFactory(centre=centre_a), status=MobilityStatus.EVALUATED
        )

    response = client_of(referent_a).get("/")

    assert task in response.context["overdue"] and response.context["overdue_total"] >= 1
    assert (
        response.context["awaiting_evaluation"] == [back]
        and response.context["awaiting_evaluation"][0].submitted
    )
    assert len(response.context["to_certify"]) == 15
    assert response.context["to_certify_total"] == 16
    body = response.content.decode()
    assert "Réserver les billets" in body and "to validate" in body and "15 of 16" in body


def test_the_dashboard_costs_the_same_queries_for_a_few_and_many_mobilities(client_of, referent_a, centre_a):
    today = timezone.localdate()

    def add(count):
        for i in range(count):
            for status, start in (
                (MobilityStatus.PLANNED, today + datetime.timedelta(days=5 + i % 20)),
                (MobilityStatus.IN_PROGRESS, today - datetime.timedelta(days=3)),
                (MobilityStatus.COMPLETED, today - datetime.timedelta(days=60)),
                (MobilityStatus.EVALUATED, today - datetime.timedelta(days=90)),
            ):
                mobility = factories.MobilityFactory(
                    participant=factories.LearnerFactory(centre=centre_a),
                    status=status,
                    planned_start=start,
                    planned_end=start + datetime.timedelta(days=14),
                )
                services.checklist_generate(mobility=mobility)

    client = client_of(referent_a)
    add(2)
    few = _count(client, "/")
    add(10)
    assert _count(client, "/") == few


def test_the_dashboard_offers_no_action_to_read_only_staff(client_of, readonly_a):
    assert b"/mobilities/new/" not in client_of(readonly_a).get("/").content


# --- Partner page panel ----------------------------------------------------------------------
def test_a_partners_page_shows_the_mobilities_it_hosts_for_the_users_centres_only(
    referent_a, referent_b, mobility, host, centre_b
):
    factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_b, last_name="Norvelle"), host_organisation=host
    )
    request = RequestFactory().get("/")
    request.user = referent_a
    html = "".join(panels.render("organisation_detail", request, host))
    assert mobility.participant.full_name in html and "Norvelle" not in html


# --- Admin -----------------------------------------------------------------------------------
def test_the_catalogues_are_in_the_admin_and_learners_are_not(client_of, operator):
    client = client_of(operator)
    factories.activity()
    assert client.get("/admin/mobility/activitytype/").status_code == 200
    assert client.get("/admin/mobility/qualification/add/").status_code == 200
    assert client.get("/admin/mobility/learner/").status_code == 404


def test_editing_a_project_saves_the_change_and_audits_it(client_of, referent_a, project):
    from partners.audit.models import AuditEntry

    data = {
        "title": "Apprentis sans frontières II",
        "programme": "Erasmus+",
        "grant_agreement_number": project.grant_agreement_number,
        "key_action": "KA121",
        "call_year": "2025",
        "start_date": "2025-09-01",
        "end_date": "2027-08-31",
        "budget_lines": "",
    }
    assert client_of(referent_a).post(f"/projects/{project.pk}/edit/", data).status_code == 302
    project.refresh_from_db()
    assert project.title == "Apprentis sans frontières II"
    assert AuditEntry.objects.filter(action="project.update", target_id=str(project.pk)).exists()


def test_the_dashboard_says_when_the_tutor_was_never_sent_their_link(client_of, referent_a, centre_a):
    from mobility.guests.models import GuestRole
    from mobility.guests.services import links as guests

    never = factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_a, last_name="Jamais"),
        status=MobilityStatus.COMPLETED,
    )
    sent = factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_a, last_name="Envoye"),
        status=MobilityStatus.COMPLETED,
    )
    guests.access_link_invite(mobility=sent, role=GuestRole.TUTOR, acting_user=referent_a)
    response = client_of(referent_a).get("/")
    rows = {m.pk: m.tutor_link_sent for m in response.context["awaiting_evaluation"]}
    assert rows == {never.pk: False, sent.pk: True}
    html = response.content.decode()
    assert html.count("tutor's link never sent") == 1 and html.count("awaited from the tutor") == 1
