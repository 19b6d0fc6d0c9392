import datetime
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from mobility.agreements import services as agreements_services
from mobility.agreements.models import AgreementStatus, Party, SignatureMethod
from mobility.catalogue.models import DocumentType
from mobility.documents import services as documents_services
from mobility.evaluations.models import Evaluation, EvaluationKind, EvaluationStatus
from mobility.groups import services as groups_services
from mobility.learners import services as learners_services
from mobility.mobilities import services
from mobility.mobilities.models import MobilityStatus
from mobility.tracking import services as tracking_services
from partners.audit.models import AuditEntry
from partners.emails.models import OutboundEmail

from .. import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _plan_data(learner, host, tutor, **extra):
    return {
        "participant": learner,
        "activity_type": factories.activity(),
        "host_organisation": host,
        "host_tutor": tutor,
        "planned_start": datetime.date(2026, 3, 2),
        "planned_end": datetime.date(2026, 3, 27),
        **extra,
    }


@pytest.fixture
def host():
    return factories.HostCompanyFactory()


@pytest.fixture
def tutor(host):
    return factories.ContactFactory(organisation=host)


@pytest.fixture
def learner(centre_a):
    return factories.LearnerFactory(centre=centre_a)


@pytest.fixture
def mobility(centre_a, referent_a, learner, host, tutor):
    return services.mobility_create(
        centre=centre_a, data=_plan_data(learner, host, tutor), acting_user=referent_a
    )


def test_create_gives_a_reference_checklist_followups_and_an_audit_entry(mobility):
    assert mobility.reference.startswith("MOB-2026-")
    assert mobility.status == MobilityStatus.DRAFT
    assert mobility.checklist.count() > 5
    assert mobility.followups.count() == 3  # weekly in a 26-day stay
    assert mobility.host_city == "Valencia" and mobility.evaluation_due == datetime.date(2026, 4, 10)
    assert AuditEntry.objects.filter(action="mobility.create", target_id=str(mobility.pk)).exists()


def test_read_only_staff_cannot_create(centre_a, readonly_a, learner, host, tutor):
    with pytest.raises(PermissionDenied):
        services.mobility_create(
            centre=centre_a, data=_plan_data(learner, host, tutor), acting_user=readonly_a
        )


def test_outsider_cannot_create_in_another_centre(centre_a, referent_b, learner, host, tutor):
    with pytest.raises(PermissionDenied):
        services.mobility_create(
            centre=centre_a, data=_plan_data(learner, host, tutor), acting_user=referent_b
        )


def test_duration_outside_the_activity_bounds_names_the_end_date(centre_a, referent_a, learner, host, tutor):
    data = _plan_data(learner, host, tutor, planned_end=datetime.date(2026, 3, 5))
    with pytest.raises(ValidationError) as exc:
        services.mobility_create(centre=centre_a, data=data, acting_user=referent_a)
    assert "planned_end" in exc.value.message_dict
    assert "at least 10 days" in exc.value.message_dict["planned_end"][0]


def test_overlapping_mobilities_of_one_participant_are_refused(
    mobility, centre_a, referent_a, learner, host, tutor
):
    data = _plan_data(
        learner, host, tutor, planned_start=datetime.date(2026, 3, 20), planned_end=datetime.date(2026, 4, 5)
    )
    with pytest.raises(ValidationError) as exc:
        services.mobility_create(centre=centre_a, data=data, acting_user=referent_a)
    assert "overlap" in exc.value.message_dict["planned_start"][0]


def test_tutor_of_another_company_is_refused(centre_a, referent_a, learner, host):
    other_tutor = factories.ContactFactory()
    with pytest.raises(ValidationError) as exc:
        services.mobility_create(
            centre=centre_a, data=_plan_data(learner, host, other_tutor), acting_user=referent_a
        )
    assert "host_tutor" in exc.value.message_dict


def test_planning_tells_the_sending_employer_in_their_language(mobility, referent_a, learner):
    _upcoming(mobility)
    employer = factories.HostCompanyFactory(kind="sending_employer", country="FR", city="Montclar")
    contact = factories.ContactFactory(
        organisation=employer, is_tutor=False, is_employer_contact=True, preferred_language="fr"
    )
    learners_services.learner_update(
        learner=learner, data={"employer": employer, "employer_contact": contact}, acting_user=referent_a
    )
    services.mobility_transition(mobility=mobility, to_status=MobilityStatus.PLANNED, acting_user=referent_a)
    mail = OutboundEmail.objects.get(kind="employer.planned")
    assert mail.to == contact.email and mail.language == "fr"
    assert mail.related_id == str(mobility.pk)


def test_changing_dates_after_planning_tells_the_employer_again(mobility, referent_a, learner):
    employer = factories.HostCompanyFactory(kind="sending_employer")
    contact = factories.ContactFactory(organisation=employer, is_tutor=False, preferred_language="fr")
    learners_services.learner_update(
        learner=learner, data={"employer": employer, "employer_contact": contact}, acting_user=referent_a
    )
    services.mobility_transition(mobility=mobility, to_status=MobilityStatus.PLANNED, acting_user=referent_a)
    services.mobility_update(
        mobility=mobility,
        data={"planned_start": datetime.date(2026, 3, 9), "planned_end": datetime.date(2026, 4, 3)},
        acting_user=referent_a,
    )
    assert OutboundEmail.objects.filter(kind="employer.dates_changed").count() == 1


def test_the_employers_emails_print_names_as_typed_in_their_subject_and_text(mobility, referent_a, learner):
    _upcoming(mobility)
    employer = factories.HostCompanyFactory(kind="sending_employer")
    contact = factories.ContactFactory(
        organisation=employer, is_tutor=False, first_name="Zoé", last_name="O'Brien"
    )
    learners_services.learner_update(
        learner=learner,
        data={"employer": employer, "employer_contact": contact, "last_name": "D'Angelo & Fils"},
        acting_user=referent_a,
    )
    services.mobility_transition(mobility=mobility, to_status=MobilityStatus.PLANNED, acting_user=referent_a)
    services.mobility_update(
        mobility=mobility,
        data={"planned_start": datetime.date(2026, 3, 9), "planned_end": datetime.date(2026, 4, 3)},
        acting_user=referent_a,
    )
    for kind in ("employer.planned", "employer.dates_changed"):
        mail = OutboundEmail.objects.get(kind=kind)
        assert "D'Angelo & Fils" in mail.subject + mail.body_text, kind
        assert "&#x27;" not in mail.subject + mail.body_text and "&amp;" not in mail.subject + mail.body_text
        assert "Zoé O'Brien" in mail.body_text, kind


def test_a_transition_outside_the_workflow_is_refused(mobility, referent_a):
    with pytest.raises(services.TransitionError) as exc:
        services.mobility_transition(
            mobility=mobility, to_status=MobilityStatus.COMPLETED, acting_user=referent_a
        )
    assert "cannot go from" in exc.value.messages[0]


def test_confirmation_needs_a_tutor_a_signed_agreement_consent_and_documents(mobility, referent_a):
    services.mobility_update(mobility=mobility, data={"host_tutor": None}, acting_user=referent_a)
    services.mobility_transition(mobility=mobility, to_status=MobilityStatus.PLANNED, acting_user=referent_a)
    with pytest.raises(services.TransitionError) as exc:
        services.mobility_transition(
            mobility=mobility, to_status=MobilityStatus.CONFIRMED, acting_user=referent_a
        )
    text = " ".join(exc.value.messages)
    assert "host tutor" in text
    assert "learning agreement" in text
    assert "Insurance certificate" in text


def _sign_all(agreement, referent):
    for party in agreements_services.agreement_required_parties(agreement=agreement):
        agreements_services.agreement_sign(
            agreement=agreement,
            party=party,
            signer_name="Signataire",
            method=SignatureMethod.IN_APP,
            acting_user=referent,
        )


def _upload_required(mobility, referent):
    for doc_type in mobility.activity_type.required_documents.all():
        documents_services.document_upload(
            learner=mobility.participant,
            mobility=mobility,
            document_type=doc_type,
            upload=SimpleUploadedFile("scan.pdf", PDF, "application/pdf"),
            acting_user=referent,
        )


def test_confirmation_succeeds_once_everything_is_there(mobility, referent_a):
    services.mobility_transition(mobility=mobility, to_status=MobilityStatus.PLANNED, acting_user=referent_a)
    agreement = agreements_services.agreement_save(
        mobility=mobility,
        data={"objectives": "Pâte levée"},
        outcomes=[{"description": "Réalise une pâte levée"}],
        units=None,
        acting_user=referent_a,
    )
    _sign_all(agreement, referent_a)
    _upload_required(mobility, referent_a)
    mobility = services.mobility_transition(
        mobility=mobility, to_status=MobilityStatus.CONFIRMED, acting_user=referent_a
    )
    assert mobility.status == MobilityStatus.CONFIRMED


def test_a_minor_needs_a_guardian_signature_and_parental_consent(centre_a, referent_a, host, tutor):
    minor = factories.LearnerFactory(
        centre=centre_a,
        date_of_birth=datetime.date(2010, 1, 1),
        guardian_name="Marie Dupont",
        guardian_email="m.dupont@famille.example",
    )
    mobility = services.mobility_create(
        centre=centre_a, data=_plan_data(minor, host, tutor), acting_user=referent_a
    )
    agreement = agreements_services.agreement_save(
        mobility=mobility, data={"objectives": "x"}, outcomes=[], units=None, acting_user=referent_a
    )
    assert Party.GUARDIAN in agreements_services.agreement_required_parties(agreement=agreement)
    blockers = " ".join(services.confirmation_blockers(mobility=mobility))
    assert "parental consent" in blockers


def test_a_change_after_signature_makes_a_new_version_and_keeps_the_old(mobility, referent_a):
    v1 = agreements_services.agreement_save(
        mobility=mobility,
        data={"objectives": "v1"},
        outcomes=[{"description": "A"}],
        units=None,
        acting_user=referent_a,
    )
    agreements_services.agreement_sign(
        agreement=v1,
        party=Party.LEARNER,
        signer_name="L",
        method=SignatureMethod.IN_APP,
        acting_user=referent_a,
    )
    v2 = agreements_services.agreement_save(
        mobility=mobility, data={"objectives": "v2"}, outcomes=None, units=None, acting_user=referent_a
    )
    v1.refresh_from_db()
    assert (v1.version, v1.status, v1.objectives) == (1, AgreementStatus.SUPERSEDED, "v1")
    assert (v2.version, v2.status, v2.objectives) == (2, AgreementStatus.DRAFT, "v2")
    assert [o.description for o in v2.outcomes.all()] == ["A"]
    assert v2.signatures.count() == 0


def test_signing_outside_the_platform_needs_the_scan(mobility, referent_a):
    agreement = agreements_services.agreement_save(
        mobility=mobility, data={"objectives": "x"}, outcomes=[], units=None, acting_user=referent_a
    )
    with pytest.raises(ValidationError) as exc:
        agreements_services.agreement_sign(
            agreement=agreement,
            party=Party.HOST,
            signer_name="Tutor",
            method=SignatureMethod.OUTSIDE,
            acting_user=referent_a,
        )
    assert "scan" in exc.value.message_dict


def test_an_upload_with_a_lying_extension_is_refused(mobility, referent_a):
    doc_type = DocumentType.objects.get(code="insurance")
    with pytest.raises(ValidationError) as exc:
        documents_services.document_upload(
            learner=mobility.participant,
            mobility=mobility,
            document_type=doc_type,
            upload=SimpleUploadedFile(
                "assurance.pdf", b"MZ\x90\x00 this is an executable", "application/pdf"
            ),
            acting_user=referent_a,
        )
    assert "not a valid" in exc.value.messages[0]
    assert mobility.participant.documents.count() == 0


def test_uploading_a_requested_document_ticks_its_checklist_task(mobility, referent_a):
    doc_type = DocumentType.objects.get(code="insurance")
    documents_services.document_upload(
        learner=mobility.participant,
        mobility=mobility,
        document_type=doc_type,
        upload=SimpleUploadedFile("a.pdf", PDF),
        acting_user=referent_a,
    )
    assert mobility.checklist.get(document_type=doc_type).is_done


def test_dates_move_confirmed_mobilities_in_progress_then_completed(mobility, referent_a):
    type(mobility).objects.filter(pk=mobility.pk).update(status=MobilityStatus.CONFIRMED)
    services.mobilities_follow_dates(today=datetime.date(2026, 3, 2))
    mobility.refresh_from_db()
    assert mobility.status == MobilityStatus.IN_PROGRESS
    services.mobilities_follow_dates(today=datetime.date(2026, 3, 28))
    mobility.refresh_from_db()
    assert mobility.status == MobilityStatus.COMPLETED and mobility.actual_end == datetime.date(2026, 3, 27)


def test_evaluated_needs_a_validated_tutor_evaluation(mobility, referent_a):
    type(mobility).objects.filter(pk=mobility.pk).update(status=MobilityStatus.COMPLETED)
    with pytest.raises(services.TransitionError):
        services.mobility_transition(
            mobility=mobility, to_status=MobilityStatus.EVALUATED, acting_user=referent_a
        )
    Evaluation.objects.create(mobility=mobility, kind=EvaluationKind.TUTOR, status=EvaluationStatus.VALIDATED)
    assert (
        services.mobility_transition(
            mobility=mobility, to_status=MobilityStatus.EVALUATED, acting_user=referent_a
        ).status
        == MobilityStatus.EVALUATED
    )


def test_cancelling_needs_a_reason(mobility, referent_a):
    with pytest.raises(services.TransitionError) as exc:
        services.mobility_transition(
            mobility=mobility, to_status=MobilityStatus.CANCELLED, acting_user=referent_a
        )
    assert "reason" in exc.value.message_dict


def test_a_group_creates_one_mobility_per_learner_or_none(centre_a, referent_a, host):
    learners = [factories.LearnerFactory(centre=centre_a) for _ in range(3)]
    data = {
        "name": "Valence mars 2026",
        "activity_type": factories.activity("group-exploration"),
        "host_city": "Valencia",
        "host_country": "ES",
        "planned_start": datetime.date(2026, 3, 2),
        "planned_end": datetime.date(2026, 3, 6),
    }
    group = groups_services.group_create(
        centre=centre_a, data=data, participants=learners, acting_user=referent_a
    )
    assert group.mobilities.count() == 3
    # A second departure overlapping for one learner: nothing is created at all.
    with pytest.raises(ValidationError) as exc:
        groups_services.group_create(
            centre=centre_a,
            data={**data, "name": "Doublon"},
            participants=[*learners[:1], factories.LearnerFactory(centre=centre_a)],
            acting_user=referent_a,
        )
    assert learners[0].full_name in exc.value.message_dict["participants"][0]
    assert type(group).objects.filter(name="Doublon").count() == 0


def test_each_activity_gets_its_own_checklist_over_the_five_steps(centre_a, referent_a, learner, host, tutor):
    short = services.mobility_create(
        centre=centre_a, data=_plan_data(learner, host, tutor), acting_user=referent_a
    )
    long = services.mobility_create(
        centre=centre_a,
        data=_plan_data(
            factories.LearnerFactory(centre=centre_a),
            host,
            tutor,
            activity_type=factories.activity("vet-long-term"),
            planned_start=datetime.date(2026, 9, 7),
            planned_end=datetime.date(2027, 2, 26),
        ),
        acting_user=referent_a,
    )
    steps = ["promote", "recruit", "prepare", "monitor", "evaluate"]
    for mobility in (short, long):
        assert set(mobility.checklist.values_list("step", flat=True)) == set(steps)
        first_steps = mobility.checklist.filter(step__in=["promote", "recruit"])
        assert all(item.due_date < mobility.planned_start for item in first_steps)
    short_titles = set(short.checklist.values_list("title", flat=True))
    long_titles = set(long.checklist.values_list("title", flat=True))
    assert long_titles - short_titles  # a six-month placement asks for more than a short stay


def test_a_long_stay_is_followed_monthly(centre_a, referent_a, learner, host, tutor):
    mobility = services.mobility_create(
        centre=centre_a,
        data=_plan_data(
            learner,
            host,
            tutor,
            activity_type=factories.activity("vet-long-term"),
            planned_start=datetime.date(2026, 9, 7),
            planned_end=datetime.date(2027, 2, 26),
        ),
        acting_user=referent_a,
    )
    dates = list(mobility.followups.order_by("scheduled_for").values_list("scheduled_for", flat=True))
    assert len(dates) == 5
    assert {(b - a).days for a, b in itertools.pairwise(dates)} == {30}
    assert mobility.long_term


def test_unticking_a_task_clears_who_and_when_and_is_audited(mobility, referent_a):
    item = mobility.checklist.first()
    tracking_services.checklist_item_set_done(item=item, done=True, acting_user=referent_a)
    item = tracking_services.checklist_item_set_done(item=item, done=False, acting_user=referent_a)
    item.refresh_from_db()
    assert item.done_at is None and item.done_by is None and not item.is_done
    entry = AuditEntry.objects.get(action="checklist.undone", target_id=str(item.pk))
    assert entry.actor == referent_a


def _ready_to_confirm(mobility, referent):
    services.mobility_transition(mobility=mobility, to_status=MobilityStatus.PLANNED, acting_user=referent)
    agreement = agreements_services.agreement_save(
        mobility=mobility,
        data={"objectives": "Pâte levée"},
        outcomes=[{"description": "Réalise une pâte levée"}],
        units=None,
        acting_user=referent,
    )
    _sign_all(agreement, referent)
    _upload_required(mobility, referent)
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.SIGNED
    return agreement


def test_an_intermediary_added_after_the_signatures_must_sign_before_confirmation(
    mobility, referent_a, chamber_a
):
    _ready_to_confirm(mobility, referent_a)
    intermediary = factories.HostCompanyFactory(
        kind="intermediary", network=chamber_a, name="Eurostage Valencia"
    )
    services.mobility_update(mobility=mobility, data={"intermediary": intermediary}, acting_user=referent_a)
    with pytest.raises(services.TransitionError) as exc:
        services.mobility_transition(
            mobility=mobility, to_status=MobilityStatus.CONFIRMED, acting_user=referent_a
        )
    assert "Intermediary organisation" in " ".join(exc.value.messages)
    mobility.refresh_from_db()
    assert mobility.status == MobilityStatus.PLANNED


def test_a_learner_who_is_a_minor_on_the_new_departure_needs_the_guardians_signature(
    centre_a, referent_a, host, tutor
):
    # 18 on 20 March 2026: an adult on the first plan (April), a minor once it moves to March.
    learner = factories.LearnerFactory(
        centre=centre_a, date_of_birth=datetime.date(2008, 3, 20), guardian_name="Marie Dupont"
    )
    mobility = services.mobility_create(
        centre=centre_a,
        data=_plan_data(
            learner,
            host,
            tutor,
            planned_start=datetime.date(2026, 4, 6),
            planned_end=datetime.date(2026, 4, 30),
        ),
        acting_user=referent_a,
    )
    _ready_to_confirm(mobility, referent_a)
    mobility = services.mobility_update(
        mobility=mobility,
        data={"planned_start": datetime.date(2026, 3, 2), "planned_end": datetime.date(2026, 3, 27)},
        acting_user=referent_a,
    )
    blockers = " ".join(services.confirmation_blockers(mobility=mobility))
    assert "Guardian" in blockers and "parental consent" in blockers


def test_a_staff_member_goes_job_shadowing_and_not_on_a_learners_activity(centre_a, referent_a, host, tutor):
    trainer = factories.LearnerFactory(centre=centre_a, kind="staff", position="Formatrice boulangerie")
    shadowing = services.mobility_create(
        centre=centre_a,
        data=_plan_data(
            trainer,
            host,
            tutor,
            activity_type=factories.activity("staff-job-shadowing"),
            planned_start=datetime.date(2026, 5, 4),
            planned_end=datetime.date(2026, 5, 8),
        ),
        acting_user=referent_a,
    )
    assert shadowing.participant.kind == "staff" and shadowing.checklist.exists()
    with pytest.raises(ValidationError) as exc:
        services.mobility_create(
            centre=centre_a,
            data=_plan_data(
                trainer,
                host,
                tutor,
                planned_start=datetime.date(2026, 9, 7),
                planned_end=datetime.date(2026, 10, 2),
            ),
            acting_user=referent_a,
        )
    assert exc.value.message_dict["activity_type"] == ["This activity is for learners."]


def test_a_learner_is_not_sent_on_a_staff_activity(centre_a, referent_a, learner, host, tutor):
    with pytest.raises(ValidationError) as exc:
        services.mobility_create(
            centre=centre_a,
            data=_plan_data(
                learner,
                host,
                tutor,
                activity_type=factories.activity("staff-job-shadowing"),
                planned_start=datetime.date(2026, 5, 4),
                planned_end=datetime.date(2026, 5, 8),
            ),
            acting_user=referent_a,
        )
    assert exc.value.message_dict["activity_type"] == ["This activity is for staff members."]


def test_a_refused_signature_leaves_no_scan_behind(mobility, referent_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    agreement = agreements_services.agreement_save(
        mobility=mobility, data={"objectives": "Pâte levée"}, outcomes=[], units=None, acting_user=referent_a
    )
    with pytest.raises(ValidationError) as exc:
        agreements_services.agreement_sign(
            agreement=agreement,
            party=Party.HOST,
            signer_name="Lucía Ortega",
            method="by-carrier-pigeon",
            scan=SimpleUploadedFile("firma.pdf", PDF, "application/pdf"),
            acting_user=referent_a,
        )
    assert "method" in exc.value.message_dict
    assert not agreement.signatures.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_an_upload_that_fails_after_the_file_is_written_leaves_no_file(
    mobility, referent_a, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path / "media"

    def audit_down(**kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(documents_services, "audit_record", audit_down)
    with pytest.raises(RuntimeError):
        documents_services.document_upload(
            learner=mobility.participant,
            mobility=mobility,
            document_type=DocumentType.objects.get(code="insurance"),
            upload=SimpleUploadedFile("assurance.pdf", PDF, "application/pdf"),
            acting_user=referent_a,
        )
    assert not mobility.participant.documents.exists()
    assert not mobility.checklist.filter(document_type__code="insurance", done_at__isnull=False).exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def _upcoming(mobility):
    """The stay moved ahead of today: planning it tells the employer (an ended one does not)."""
    today = datetime.date.today()
    type(mobility).objects.filter(pk=mobility.pk).update(
        planned_start=today + datetime.timedelta(days=30), planned_end=today + datetime.timedelta(days=55)
    )
    mobility.refresh_from_db()


def test_planning_a_stay_that_already_ended_sends_no_planned_notice(mobility, referent_a, learner):
    employer = factories.HostCompanyFactory(kind="sending_employer", country="FR")
    contact = factories.ContactFactory(organisation=employer, is_tutor=False, is_employer_contact=True)
    learners_services.learner_update(
        learner=learner, data={"employer": employer, "employer_contact": contact}, acting_user=referent_a
    )
    assert mobility.planned_end < datetime.date.today()
    services.mobility_transition(mobility=mobility, to_status=MobilityStatus.PLANNED, acting_user=referent_a)
    assert not OutboundEmail.objects.filter(kind="employer.planned").exists()
