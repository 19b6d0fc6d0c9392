import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mobility.agreements import services as agreements_services
from mobility.agreements.models import Party, SignatureMethod
from mobility.catalogue.models import DocumentType
from mobility.documents import services
from mobility.documents.models import Document
from mobility.mobilities import services as mobilities_services
from mobility.mobilities.models import Mobility, MobilityStatus
from mobility.tracking import services as tracking_services
from partners.audit.models import AuditEntry
from partners.emails.models import OutboundEmail

from .. import factories
from .conftest import pdf

pytestmark = pytest.mark.django_db


def _mobility_post(learner, host, tutor, **extra):
    return {
        "participant": learner.pk,
        "activity_type": factories.activity().pk,
        "direction": "outgoing",
        "host_organisation": host.pk,
        "host_tutor": tutor.pk,
        "planned_start": "2026-03-02",
        "planned_end": "2026-03-27",
        "travel_days": "2",
        **extra,
    }


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured)


# --- List ------------------------------------------------------------------------------------
def test_the_list_filters_by_status_country_and_dates(client_of, referent_a, centre_a):
    factories.MobilityFactory(participant=factories.LearnerFactory(centre=centre_a, last_name="Espagne"))
    factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_a, last_name="Allemagne"),
        host_country="DE",
        host_city="Köln",
        status=MobilityStatus.PLANNED,
        planned_start=datetime.date(2026, 9, 7),
        planned_end=datetime.date(2026, 10, 2),
    )
    client = client_of(referent_a)

    def names(query):
        return [m.participant.last_name for m in client.get(f"/mobilities/?{query}").context["page"]]

    assert names("status=planned") == ["Allemagne"]
    assert names("country=ES") == ["Espagne"]
    assert names("start_from=2026-06-01") == ["Allemagne"]
    assert names("q=köln") == ["Allemagne"]
    assert names("sort=start") == ["Espagne", "Allemagne"]


def test_the_list_filters_by_project_and_activity(client_of, referent_a, centre_a, project):
    in_project = factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_a), project=project
    )
    factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_a),
        activity_type=factories.activity("group-exploration"),
        planned_end=datetime.date(2026, 3, 6),
    )
    client = client_of(referent_a)
    assert list(client.get(f"/mobilities/?project={project.pk}").context["page"]) == [in_project]
    exploration = factories.activity("group-exploration").pk
    assert [
        m.activity_type_id for m in client.get(f"/mobilities/?activity={exploration}").context["page"]
    ] == [exploration]


def test_a_chamber_admin_filters_by_centre_and_another_chambers_centre_is_not_a_choice(
    client_of, chamber_admin, centre_a, centre_a2, centre_b
):
    in_a = factories.MobilityFactory(participant=factories.LearnerFactory(centre=centre_a))
    in_a2 = factories.MobilityFactory(participant=factories.LearnerFactory(centre=centre_a2))
    factories.MobilityFactory(participant=factories.LearnerFactory(centre=centre_b))
    client = client_of(chamber_admin)
    assert set(client.get("/mobilities/").context["page"]) == {in_a, in_a2}
    assert list(client.get(f"/mobilities/?centre={centre_a2.pk}").context["page"]) == [in_a2]
    forged = client.get(f"/mobilities/?centre={centre_b.pk}")
    assert "centre" in forged.context["filter_form"].errors
    assert set(forged.context["page"]) == {in_a, in_a2}


def test_the_list_pages_by_25_and_keeps_the_filters_in_the_page_links(client_of, referent_a, centre_a):
    for _ in range(27):
        factories.MobilityFactory(
            participant=factories.LearnerFactory(centre=centre_a), status=MobilityStatus.PLANNED
        )
    client = client_of(referent_a)
    first = client.get("/mobilities/?status=planned")
    assert len(first.context["page"]) == 25 and first.context["page"].paginator.count == 27
    second = client.get("/mobilities/?status=planned&page=2")
    assert len(second.context["page"]) == 2
    assert "status=planned" in first.content.decode().split('rel="next"')[0].rsplit("href=", 1)[-1]


def test_the_list_never_shows_another_centres_mobility(client_of, referent_b, mobility):
    assert list(client_of(referent_b).get("/mobilities/").context["page"]) == []


def test_the_list_costs_the_same_queries_for_5_and_50_mobilities(client_of, referent_a, centre_a, project):
    client = client_of(referent_a)
    for _ in range(5):
        factories.MobilityFactory(participant=factories.LearnerFactory(centre=centre_a), project=project)
    few = _count(client, "/mobilities/?per_page=100")
    for _ in range(45):
        factories.MobilityFactory(participant=factories.LearnerFactory(centre=centre_a), project=project)
    assert _count(client, "/mobilities/?per_page=100") == few


# --- Create and edit -------------------------------------------------------------------------
def test_a_referent_plans_a_mobility_with_a_host_and_a_tutor(client_of, referent_a, learner, host, tutor):
    response = client_of(referent_a).post("/mobilities/new/", _mobility_post(learner, host, tutor))
    mobility = Mobility.objects.get(participant=learner)
    assert response.status_code == 302 and response.url == f"/mobilities/{mobility.pk}/"
    assert (mobility.host_tutor, mobility.host_city, mobility.status) == (
        tutor,
        "Valencia",
        MobilityStatus.DRAFT,
    )
    assert mobility.checklist.exists()


def test_a_duration_outside_the_activity_bounds_is_refused_on_the_end_date(
    client_of, referent_a, learner, host, tutor
):
    data = _mobility_post(learner, host, tutor, planned_end="2026-03-05")
    response = client_of(referent_a).post("/mobilities/new/", data)
    assert response.status_code == 400
    assert "at least 10 days" in response.context["form"].errors["planned_end"][0]
    assert b'value="2026-03-05"' in response.content
    assert not Mobility.objects.exists()


def test_an_end_before_the_start_is_refused(client_of, referent_a, learner, host, tutor):
    data = _mobility_post(learner, host, tutor, planned_end="2026-02-20")
    response = client_of(referent_a).post("/mobilities/new/", data)
    assert "before the planned start" in response.context["form"].errors["planned_end"][0]


def test_an_impossible_date_is_refused(client_of, referent_a, learner, host, tutor):
    response = client_of(referent_a).post(
        "/mobilities/new/", _mobility_post(learner, host, tutor, planned_start="2026-02-31")
    )
    assert "planned_start" in response.context["form"].errors


def test_overlapping_mobilities_are_refused_with_the_other_reference(
    client_of, referent_a, mobility, host, tutor
):
    data = _mobility_post(
        mobility.participant, host, tutor, planned_start="2026-03-20", planned_end="2026-04-10"
    )
    response = client_of(referent_a).post("/mobilities/new/", data)
    assert response.status_code == 400
    assert mobility.reference in response.context["form"].errors["planned_start"][0]
    assert Mobility.objects.count() == 1


def test_a_tutor_of_another_company_is_not_a_choice(client_of, referent_a, learner, host, chamber_a):
    stranger = factories.ContactFactory(organisation=factories.HostCompanyFactory(network=chamber_a))
    response = client_of(referent_a).post("/mobilities/new/", _mobility_post(learner, host, stranger))
    assert "host_tutor" in response.context["form"].errors


def test_another_centres_learner_is_not_a_choice(client_of, referent_a, centre_b, host, tutor):
    outsider = factories.LearnerFactory(centre=centre_b)
    response = client_of(referent_a).post("/mobilities/new/", _mobility_post(outsider, host, tutor))
    assert "participant" in response.context["form"].errors


def test_the_tutor_list_follows_the_host(client_of, referent_a, host, tutor, chamber_a):
    other_host = factories.HostCompanyFactory(network=chamber_a)
    factories.ContactFactory(organisation=other_host, last_name="Ailleurs")
    response = client_of(referent_a).get(f"/contacts/options/?host_organisation={host.pk}&role=tutor")
    assert tutor.last_name.encode() in response.content
    assert b"Ailleurs" not in response.content


def test_changing_dates_after_planning_tells_the_employer(
    client_of, referent_a, mobility, learner, host, tutor
):
    _upcoming(mobility)
    employer = factories.HostCompanyFactory(kind="sending_employer", country="FR")
    contact = factories.ContactFactory(organisation=employer, is_tutor=False, preferred_language="fr")
    learner.employer, learner.employer_contact = employer, contact
    learner.save()
    client = client_of(referent_a)
    client.post(
        f"/mobilities/{mobility.pk}/status/", {"target": "planned", "to-planned-to_status": "planned"}
    )
    assert OutboundEmail.objects.filter(kind="employer.planned", to=contact.email).exists()
    data = _mobility_post(learner, host, tutor, planned_start="2026-03-09", planned_end="2026-04-03")
    assert client.post(f"/mobilities/{mobility.pk}/edit/", data).status_code == 302
    assert OutboundEmail.objects.filter(kind="employer.dates_changed", language="fr").count() == 1


# --- The mobility page -----------------------------------------------------------------------
def _fill(mobility, referent, *, documents, followups):
    for _ in range(documents):
        services.document_upload(
            learner=mobility.participant,
            mobility=mobility,
            document_type=DocumentType.objects.get(code="other"),
            upload=pdf(),
            acting_user=referent,
        )
    for followup in list(mobility.followups.all())[:followups]:
        tracking_services.followup_record(
            mobility=mobility,
            followup=followup,
            data={"done_on": datetime.date(2026, 3, 10), "channel": "phone", "notes": "RAS"},
            acting_user=referent,
        )
    for item in list(mobility.checklist.all())[: documents * 2]:
        tracking_services.checklist_item_set_done(item=item, done=True, acting_user=referent)


def test_the_mobility_page_costs_the_same_queries_however_much_it_holds(
    client_of, referent_a, centre_a, host, tutor, agreement, mobility
):
    client = client_of(referent_a)
    _fill(mobility, referent_a, documents=1, followups=1)
    few = _count(client, f"/mobilities/{mobility.pk}/")
    _fill(mobility, referent_a, documents=8, followups=2)
    agreements_services.agreement_sign(
        agreement=agreement, party=Party.LEARNER, signer_name="Léa", method="in_app", acting_user=referent_a
    )
    assert _count(client, f"/mobilities/{mobility.pk}/") == few


def test_the_page_lists_what_blocks_confirmation_and_disables_the_button(client_of, referent_a, mobility):
    mobilities_services.mobility_transition(
        mobility=mobility, to_status=MobilityStatus.PLANNED, acting_user=referent_a
    )
    response = client_of(referent_a).get(f"/mobilities/{mobility.pk}/")
    text = response.content.decode()
    assert "Before it can be confirmed" in text
    assert "Write the learning agreement." in text
    assert 'disabled aria-describedby="blockers">Confirm</button>' in text


def test_confirming_with_blockers_is_refused_with_their_list(client_of, referent_a, mobility):
    mobilities_services.mobility_transition(
        mobility=mobility, to_status=MobilityStatus.PLANNED, acting_user=referent_a
    )
    response = client_of(referent_a).post(
        f"/mobilities/{mobility.pk}/status/", {"target": "confirmed", "to-confirmed-to_status": "confirmed"}
    )
    assert response.status_code == 400
    assert "Insurance certificate" in " ".join(response.context["transition_error"])
    mobility.refresh_from_db()
    assert mobility.status == MobilityStatus.PLANNED


def test_a_transition_outside_the_workflow_is_refused(client_of, referent_a, mobility):
    response = client_of(referent_a).post(
        f"/mobilities/{mobility.pk}/status/", {"target": "completed", "to-completed-to_status": "completed"}
    )
    assert response.status_code == 400
    assert "cannot go from" in " ".join(response.context["transition_error"])


def test_cancelling_needs_a_reason_named_on_its_field(client_of, referent_a, mobility):
    client = client_of(referent_a)
    url = f"/mobilities/{mobility.pk}/status/"
    refused = client.post(url, {"target": "cancelled", "to-cancelled-to_status": "cancelled"})
    assert refused.status_code == 400
    assert b"Give the reason." in refused.content
    accepted = client.post(
        url,
        {
            "target": "cancelled",
            "to-cancelled-to_status": "cancelled",
            "to-cancelled-reason": "Entreprise fermée",
        },
    )
    assert accepted.status_code == 302
    mobility.refresh_from_db()
    assert (mobility.status, mobility.status_reason) == (MobilityStatus.CANCELLED, "Entreprise fermée")
    assert AuditEntry.objects.filter(action="mobility.transition", target_id=str(mobility.pk)).exists()


def test_an_interruption_records_force_majeure(client_of, referent_a, mobility):
    Mobility.objects.filter(pk=mobility.pk).update(status=MobilityStatus.IN_PROGRESS)
    client_of(referent_a).post(
        f"/mobilities/{mobility.pk}/status/",
        {
            "target": "interrupted",
            "to-interrupted-to_status": "interrupted",
            "to-interrupted-reason": "Hospitalisation d'un parent",
            "to-interrupted-force_majeure": "on",
        },
    )
    mobility.refresh_from_db()
    assert mobility.status == MobilityStatus.INTERRUPTED and mobility.force_majeure


def test_read_only_staff_see_the_mobility_without_any_action(client_of, readonly_a, mobility):
    text = client_of(readonly_a).get(f"/mobilities/{mobility.pk}/").content.decode()
    assert mobility.reference in text
    assert f"/mobilities/{mobility.pk}/status/" not in text
    assert "Record a follow-up" not in text and "Add a task" not in text


def test_read_only_staff_cannot_change_the_status(client_of, readonly_a, mobility):
    response = client_of(readonly_a).post(
        f"/mobilities/{mobility.pk}/status/", {"target": "planned", "to-planned-to_status": "planned"}
    )
    assert response.status_code == 403
    mobility.refresh_from_db()
    assert mobility.status == MobilityStatus.DRAFT


def test_the_history_tells_what_happened(client_of, referent_a, mobility):
    mobilities_services.mobility_transition(
        mobility=mobility, to_status=MobilityStatus.PLANNED, acting_user=referent_a
    )
    document = services.document_upload(
        learner=mobility.participant,
        mobility=mobility,
        document_type=DocumentType.objects.get(code="insurance"),
        upload=pdf(),
        acting_user=referent_a,
    )
    services.document_delete(document=document, acting_user=referent_a)
    texts = [
        line.text for line in client_of(referent_a).get(f"/mobilities/{mobility.pk}/").context["history"]
    ]
    assert "Status changed from “Draft” to “Planned”" in texts
    assert "Document uploaded: Insurance certificate" in texts
    assert "Document deleted: Insurance certificate" in texts
    assert "Mobility created" in texts


# --- Checklist, follow-ups, documents --------------------------------------------------------
def test_ticking_a_task_records_who_and_when(client_of, referent_a, mobility):
    item = mobility.checklist.first()
    response = client_of(referent_a).post(f"/tasks/{item.pk}/toggle/", {"done": "1"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.done_by == referent_a and item.done_at is not None


def test_ticking_a_task_with_htmx_returns_the_row(client_of, referent_a, mobility):
    item = mobility.checklist.first()
    response = client_of(referent_a).post(f"/tasks/{item.pk}/toggle/", {"done": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="task-{item.pk}"'.encode() in response.content and b"todo--done" in response.content


def test_overdue_tasks_are_highlighted(client_of, referent_a, mobility):
    text = client_of(referent_a).get(f"/mobilities/{mobility.pk}/").content.decode()
    assert "todo--overdue" in text  # the mobility of March 2026 has tasks due long ago


def test_a_task_is_added_with_its_due_date(client_of, referent_a, mobility):
    response = client_of(referent_a).post(
        f"/mobilities/{mobility.pk}/checklist/",
        {"title": "Réserver l'auberge", "step": "prepare", "due_date": "2026-02-15", "assignee": "referent"},
    )
    assert response.status_code == 302
    assert mobility.checklist.filter(title="Réserver l'auberge", due_date=datetime.date(2026, 2, 15)).exists()


def test_a_follow_up_is_recorded_against_its_schedule(client_of, referent_a, mobility):
    followup = mobility.followups.order_by("scheduled_for").first()
    response = client_of(referent_a).post(
        f"/mobilities/{mobility.pk}/followups/",
        {
            "followup": followup.pk,
            "done_on": "2026-03-09",
            "channel": "phone",
            "wellbeing": "4",
            "notes": "Bien",
        },
    )
    assert response.status_code == 302
    followup.refresh_from_db()
    assert followup.done_on == datetime.date(2026, 3, 9) and followup.recorded_by == referent_a


def test_a_follow_up_in_the_future_is_refused_on_its_date(client_of, referent_a, mobility):
    response = client_of(referent_a).post(
        f"/mobilities/{mobility.pk}/followups/", {"done_on": "2099-01-01", "channel": "phone"}
    )
    assert response.status_code == 400
    assert "future" in response.context["followup_form"].errors["done_on"][0]


def test_missed_follow_ups_are_flagged(client_of, referent_a, mobility):
    response = client_of(referent_a).get(f"/mobilities/{mobility.pk}/")
    assert response.context["missed_count"] == mobility.followups.count()
    assert b"missed" in response.content


def test_an_upload_with_a_lying_extension_names_the_file_field_and_saves_nothing(
    client_of, referent_a, mobility
):
    fake = SimpleUploadedFile("assurance.pdf", b"MZ\x90\x00 executable", content_type="application/pdf")
    insurance = DocumentType.objects.get(code="insurance")
    response = client_of(referent_a).post(
        f"/mobilities/{mobility.pk}/documents/", {"document_type": insurance.pk, "file": fake}
    )
    assert response.status_code == 400
    assert "not a valid" in response.context["document_form"].errors["file"][0]
    assert not Document.objects.exists()


def test_an_upload_over_the_size_limit_names_the_file_field_and_leaves_no_file(
    client_of, referent_a, mobility, settings
):
    from .conftest import PDF

    settings.UPLOAD_MAX_BYTES = 100
    big = SimpleUploadedFile("assurance.pdf", PDF + b" " * 200, content_type="application/pdf")
    insurance = DocumentType.objects.get(code="insurance")
    response = client_of(referent_a).post(
        f"/mobilities/{mobility.pk}/documents/", {"document_type": insurance.pk, "file": big}
    )
    assert response.status_code == 400
    assert "too large" in response.context["document_form"].errors["file"][0]
    assert not Document.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_a_document_is_served_only_through_the_checked_view(client_of, referent_a, referent_b, mobility):
    insurance = DocumentType.objects.get(code="insurance")
    client_of(referent_a).post(
        f"/mobilities/{mobility.pk}/documents/", {"document_type": insurance.pk, "file": pdf()}
    )
    document = Document.objects.get()
    response = client_of(referent_a).get(f"/documents/{document.pk}/")
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(action="document.download", target_id=str(document.pk)).exists()
    assert client_of(referent_b).get(f"/documents/{document.pk}/").status_code == 404


def test_missing_documents_are_listed_from_the_activity_type(client_of, referent_a, mobility):
    response = client_of(referent_a).get(f"/mobilities/{mobility.pk}/")
    codes = {t.code for t in response.context["missing_documents"]}
    assert codes == {"insurance", "ehic", "identity"}


def test_signing_outside_the_platform_without_a_scan_names_the_scan(
    client_of, referent_a, mobility, agreement
):
    response = client_of(referent_a).post(
        f"/mobilities/{mobility.pk}/agreement/sign/",
        {
            "party": "host",
            "sign-host-party": "host",
            "sign-host-signer_name": "Lucía",
            "sign-host-method": "outside",
        },
    )
    assert response.status_code == 400
    rows = {row["party"]: row for row in response.context["signature_rows"]}
    assert "scan" in rows["host"]["form"].errors
    assert not agreement.signatures.exists()


def test_a_party_signs_in_the_platform(client_of, referent_a, mobility, agreement):
    response = client_of(referent_a).post(
        f"/mobilities/{mobility.pk}/agreement/sign/",
        {
            "party": "learner",
            "sign-learner-party": "learner",
            "sign-learner-signer_name": "Léa Moreau",
            "sign-learner-method": "in_app",
        },
    )
    assert response.status_code == 302
    signature = agreement.signatures.get()
    assert (signature.party, signature.method, signature.recorded_by) == (
        Party.LEARNER,
        SignatureMethod.IN_APP,
        referent_a,
    )


def test_marking_evaluated_waits_for_the_validated_evaluation_and_says_so(client_of, referent_a, mobility):
    Mobility.objects.filter(pk=mobility.pk).update(status=MobilityStatus.COMPLETED)
    response = client_of(referent_a).get(f"/mobilities/{mobility.pk}/")
    (evaluated,) = [t for t in response.context["transitions"] if t["status"] == MobilityStatus.EVALUATED]
    assert evaluated["blocked"] and "evaluation" in evaluated["hint"]


def test_a_host_of_another_network_is_not_a_choice(client_of, referent_a, learner, chamber_b):
    foreign = factories.HostCompanyFactory(network=chamber_b)
    tutor = factories.ContactFactory(organisation=foreign)
    response = client_of(referent_a).post("/mobilities/new/", _mobility_post(learner, foreign, tutor))
    assert {"host_organisation", "host_tutor"} <= set(response.context["form"].errors)
    options = client_of(referent_a).get(f"/contacts/options/?host_organisation={foreign.pk}&role=tutor")
    assert tutor.last_name.encode() not in options.content


def test_the_mobility_page_with_a_signed_agreement_keeps_to_its_budget(
    client_of, referent_a, agreement, mobility, django_assert_max_num_queries
):
    """The budget of ``tests/test_query_budgets.py``, with an agreement version (its units,
    signatures and outcomes: three queries more), a document and a follow-up."""
    client = client_of(referent_a)
    _fill(mobility, referent_a, documents=2, followups=1)
    agreements_services.agreement_sign(
        agreement=agreement, party=Party.LEARNER, signer_name="Léa", method="in_app", acting_user=referent_a
    )
    client.get(f"/mobilities/{mobility.pk}/")
    with django_assert_max_num_queries(22):
        assert client.get(f"/mobilities/{mobility.pk}/").status_code == 200


def _upcoming(mobility):
    """The stay moved ahead of today: planning it tells the employer (an ended one does not)."""
    today = datetime.date.today()
    type(mobility).objects.filter(pk=mobility.pk).update(
        planned_start=today + datetime.timedelta(days=30), planned_end=today + datetime.timedelta(days=55)
    )
    mobility.refresh_from_db()
