"""Rights of the data subject and storage limitation: a learner's data exported, a learner erased,
the retention sweep; and the limits on bulk copying (exports)."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from certification.services import certificates
from mobility.agreements.models import Signature
from mobility.catalogue.models import DocumentType
from mobility.documents import services
from mobility.documents.models import Document
from mobility.evaluations.models import Evaluation
from mobility.learners import services as learners_services
from mobility.learners.models import Learner, ParentalConsent
from mobility.mobilities.models import Mobility, MobilityStatus
from mobility.privacy import erasure as privacy
from mobility.privacy import retention as privacy_retention
from mobility.tracking.models import FollowUp
from partners.audit.models import AuditEntry

from . import factories
from .certification.conftest import run_jobs
from .certification.factories import evaluated_mobility

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def english(client):
    client.cookies["mobility_language"] = "en"


def _document_type(code="insurance") -> DocumentType:
    factories.activity()  # installs the catalogue, document types included
    return DocumentType.objects.get(code=code)


@pytest.fixture
def file_of(centre_a, referent_a):
    """A minor learner of centre A with what a real file holds: an issued certificate, a document,
    a parental consent with its scan, a follow-up with notes."""
    learner = factories.LearnerFactory(
        centre=centre_a,
        first_name="Inès",
        last_name="Vasseur",
        email="ines.vasseur@apprentis.example",
        date_of_birth=datetime.date(2009, 3, 14),
        national_id="123456789AB",
        sex="F",
        guardian_name="Hélène Vasseur",
        guardian_email="h.vasseur@famille.example",
    )
    mobility = evaluated_mobility(participant=learner, centre=centre_a, notes="Allergique aux arachides")
    services.document_upload(
        learner=learner,
        mobility=mobility,
        document_type=_document_type(),
        upload=SimpleUploadedFile("assurance.pdf", PDF, content_type="application/pdf"),
        acting_user=referent_a,
    )
    learners_services.consent_record(
        learner=learner,
        given_on=datetime.date(2025, 12, 1),
        given_by="Hélène Vasseur (mère)",
        scan=SimpleUploadedFile("autorisation.pdf", PDF, content_type="application/pdf"),
        acting_user=referent_a,
    )
    FollowUp.objects.create(
        mobility=mobility, scheduled_for=datetime.date(2026, 3, 10), notes="Inès a le mal du pays"
    )
    certificate = certificates.certificate_issue(mobility=mobility, acting_user=referent_a)
    run_jobs()
    certificate.refresh_from_db()
    return learner, mobility, certificate


# --- Export --------------------------------------------------------------------------------------
def test_the_export_holds_everything_about_the_learner_and_their_files(client_of, referent_a, file_of):
    learner, mobility, certificate = file_of
    response = client_of(referent_a).post(f"/learners/{learner.pk}/personal-data/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    data = json.loads(archive.read("data.json"))
    assert data["learner"]["last_name"] == "Vasseur"
    assert data["learner"]["guardian_email"] == "h.vasseur@famille.example"
    assert data["learner"]["national_id"] == "123456789AB"
    assert data["controller"]["name"] == learner.centre.name
    [exported] = data["mobilities"]
    assert exported["reference"] == mobility.reference
    assert exported["notes"] == "Allergique aux arachides"
    assert exported["evaluations"][0]["overall_comment"]
    assert exported["learning_agreements"][0]["signatures"]
    assert exported["follow_ups"][0]["notes"] == "Inès a le mal du pays"
    assert exported["certificates"][0]["number"] == certificate.number
    assert data["parental_consents"][0]["given_by"] == "Hélène Vasseur (mère)"
    assert data["documents"][0]["file"] in names
    assert data["parental_consents"][0]["scan"] in names
    certificate_file = exported["certificates"][0]["file"]
    assert archive.read(certificate_file)[:4] == b"%PDF"
    assert data["files_missing_from_storage"] == []
    entry = AuditEntry.objects.get(action="learner.personal_data_export")
    assert entry.target_id == str(learner.pk) and entry.actor == referent_a
    assert "Vasseur" not in json.dumps(entry.data)


def test_the_privacy_page_says_what_is_held(client_of, referent_a, file_of, english):
    learner, _mobility, _certificate = file_of
    response = client_of(referent_a).get(f"/learners/{learner.pk}/personal-data/")
    assert response.status_code == 200
    held = response.context["held"]
    assert held == {**held, "mobilities": 1, "documents": 1, "consents": 1, "certificates": 1}
    assert b"Download the personal data" in response.content
    assert b"Erase the personal data" in response.content


def test_personal_data_exports_are_rate_limited_and_the_refusal_is_said(
    client_of, referent_a, file_of, settings
):
    settings.PERSONAL_DATA_EXPORTS_PER_HOUR = 2
    learner, _mobility, _certificate = file_of
    client = client_of(referent_a)
    url = f"/learners/{learner.pk}/personal-data/export/"
    assert [client.post(url).status_code for _ in range(3)] == [200, 200, 429]
    assert AuditEntry.objects.filter(action="learner.personal_data_export").count() == 2


# --- Erasure -------------------------------------------------------------------------------------
def test_a_wrong_confirmation_erases_nothing(client_of, referent_a, file_of, english):
    learner, _mobility, _certificate = file_of
    response = client_of(referent_a).post(
        f"/learners/{learner.pk}/erase/", {"reason": "request", "confirm_name": "Vaseur"}
    )
    assert response.status_code == 400
    assert "not the learner's last name" in response.context["form"].errors["confirm_name"][0]
    learner.refresh_from_db()
    assert learner.anonymised_at is None and learner.last_name == "Vasseur"
    assert Document.objects.filter(learner=learner).exists()


def test_erasing_a_learner_leaves_no_personal_data_and_keeps_the_statistics(
    client, client_of, referent_a, file_of, english, django_capture_on_commit_callbacks
):
    learner, mobility, certificate = file_of
    stored = [Path(d.file.path) for d in Document.objects.filter(learner=learner)]
    stored += [Path(c.scan.path) for c in ParentalConsent.objects.filter(learner=learner)]
    stored.append(Path(certificate.file.path))
    issued_pdf = certificate.file.read()
    assert all(p.exists() for p in stored)

    staff = client_of(referent_a)
    with django_capture_on_commit_callbacks(execute=True):  # files go once the erasure is committed
        response = staff.post(
            f"/learners/{learner.pk}/erase/", {"reason": "request", "confirm_name": "vasseur"}
        )
    assert response.status_code == 302

    learner.refresh_from_db()
    assert learner.anonymised_at is not None
    assert (learner.first_name, learner.last_name, learner.email, learner.national_id) == ("", "", "", "")
    assert (learner.guardian_name, learner.guardian_email, learner.phone) == ("", "", "")
    assert learner.date_of_birth == datetime.date(2009, 7, 1)  # the year only, for age bands
    assert learner.sex == "F" and learner.centre_id == referent_a.memberships.get().organisation_id
    assert not Document.objects.filter(learner=learner).exists()
    assert not ParentalConsent.objects.filter(learner=learner).exists()
    assert not any(p.exists() for p in stored)
    mobility.refresh_from_db()
    assert mobility.notes == "" and mobility.participant_id == learner.pk  # still counted
    assert Mobility.objects.filter(participant=learner).count() == 1
    assert not FollowUp.objects.filter(mobility=mobility).exclude(notes="").exists()
    assert Evaluation.objects.get(mobility=mobility).overall_comment == ""
    assert Signature.objects.get(agreement__mobility=mobility, party="learner").signer_name == ""

    # The learner is nobody any more to the staff pages.
    assert staff.get(f"/learners/{learner.pk}/").status_code == 404
    assert b"Vasseur" not in staff.get("/learners/").content
    page = staff.get(f"/mobilities/{mobility.pk}/")
    assert page.status_code == 200 and b"Vasseur" not in page.content
    assert b"Anonymised participant" in page.content

    # The certificate stays verifiable as issued, with nothing more.
    certificate.refresh_from_db()
    assert certificate.status == "ready" and not certificate.file
    assert certificate.content == {"erased": True, "issuer": {"name": certificate.content["issuer"]["name"]}}
    verify = client.get(f"/verify/{certificate.number}/")
    assert verify.status_code == 200 and verify.context["state"] == "issued"
    body = verify.content.decode()
    assert "Vasseur" not in body and "Inès" not in body and "Issued" in body
    upload = SimpleUploadedFile("certificat.pdf", issued_pdf, content_type="application/pdf")
    checked = client.post(f"/verify/{certificate.number}/", {"file": upload})
    assert checked.context["match"] is True

    entry = AuditEntry.objects.get(action="learner.erase")
    assert entry.target_id == str(learner.pk) and entry.data["reason"] == "request"
    assert entry.data["certificates_kept"] == 1
    assert "Vasseur" not in json.dumps(entry.data) + entry.actor_label


def test_an_erasure_that_fails_halfway_changes_nothing(referent_a, file_of, monkeypatch):
    learner, _mobility, certificate = file_of
    stored = [Path(d.file.path) for d in Document.objects.filter(learner=learner)]

    def broken(**kwargs):
        raise RuntimeError("the audit log is unreachable")

    monkeypatch.setattr(privacy, "audit_record", broken)
    with pytest.raises(RuntimeError):
        privacy.learner_erase(learner=learner, acting_user=referent_a)
    learner.refresh_from_db()
    certificate.refresh_from_db()
    assert learner.anonymised_at is None and learner.last_name == "Vasseur"
    assert Document.objects.filter(learner=learner).count() == 1 and all(p.exists() for p in stored)
    assert certificate.file and certificate.content["holder"]["last_name"] == "Vasseur"


def test_read_only_staff_cannot_erase(client_of, readonly_a, file_of):
    learner, _mobility, _certificate = file_of
    response = client_of(readonly_a).post(
        f"/learners/{learner.pk}/erase/", {"reason": "request", "confirm_name": "Vasseur"}
    )
    assert response.status_code == 403
    assert Learner.objects.get(pk=learner.pk).anonymised_at is None


def test_another_centre_cannot_export_or_erase(client_of, referent_b, file_of):
    learner, _mobility, _certificate = file_of
    client = client_of(referent_b)
    assert client.post(f"/learners/{learner.pk}/personal-data/export/").status_code == 404
    erase = client.post(f"/learners/{learner.pk}/erase/", {"reason": "request", "confirm_name": "Vasseur"})
    assert erase.status_code == 404
    assert Learner.objects.get(pk=learner.pk).anonymised_at is None
    assert AuditEntry.objects.filter(action="access.denied", actor=referent_b).count() == 2


# --- Retention -----------------------------------------------------------------------------------
def _went_abroad(learner, *, ended: datetime.date, status=MobilityStatus.COMPLETED) -> Mobility:
    return factories.MobilityFactory(
        participant=learner,
        status=status,
        planned_start=ended - datetime.timedelta(days=20),
        planned_end=ended,
    )


@pytest.fixture
def learners_of_every_age(centre_a):
    today = timezone.localdate()
    old = factories.LearnerFactory(centre=centre_a, last_name="Ancien")
    _went_abroad(old, ended=today.replace(year=today.year - 6))
    recent = factories.LearnerFactory(centre=centre_a, last_name="Recent")
    _went_abroad(recent, ended=today.replace(year=today.year - 6))
    _went_abroad(recent, ended=today.replace(year=today.year - 1))
    never_went = factories.LearnerFactory(centre=centre_a, last_name="Jamais")
    Learner.objects.filter(pk=never_went.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=6 * 366)
    )
    return old, recent, never_went


def test_the_dry_run_lists_what_retention_would_do_and_changes_nothing(learners_of_every_age, capsys):
    old, recent, never_went = learners_of_every_age
    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert f"anonymise learner #{old.pk} " in out and f"anonymise learner #{never_went.pk} " in out
    assert f"#{recent.pk} " not in out
    assert "Dry run: nothing changed. 2 learner(s) to anonymise" in out
    assert not Learner.objects.filter(anonymised_at__isnull=False).exists()


def test_retention_anonymises_learners_past_the_period_only(learners_of_every_age, settings):
    old, recent, never_went = learners_of_every_age
    call_command("apply_retention")
    assert Learner.objects.get(pk=old.pk).anonymised_at is not None
    assert Learner.objects.get(pk=never_went.pk).anonymised_at is not None
    assert Learner.objects.get(pk=recent.pk).anonymised_at is None
    assert AuditEntry.objects.filter(action="learner.erase", data__reason="retention").count() == 2
    # The period is a setting: with ten years, nobody was due.
    settings.RETENTION_YEARS = 10
    assert privacy_retention.retention_plan().learners == []


def test_retention_never_touches_a_learner_abroad_now(centre_a):
    today = timezone.localdate()
    learner = factories.LearnerFactory(centre=centre_a)
    _went_abroad(learner, ended=today.replace(year=today.year - 7))
    _went_abroad(learner, ended=today + datetime.timedelta(days=10), status=MobilityStatus.IN_PROGRESS)
    assert learner not in privacy_retention.retention_plan().learners


def test_documents_are_deleted_when_their_type_says(
    centre_a, referent_a, capsys, django_capture_on_commit_callbacks
):
    learner = factories.LearnerFactory(centre=centre_a)
    mobility = _went_abroad(learner, ended=timezone.localdate() - datetime.timedelta(days=40))
    short = _document_type("insurance")
    short.retention_days = 30
    short.save()
    kept_type = DocumentType.objects.exclude(pk=short.pk).filter(retention_days__isnull=True).first()
    documents = [
        services.document_upload(
            learner=learner,
            mobility=mobility,
            document_type=kind,
            upload=SimpleUploadedFile("doc.pdf", PDF, content_type="application/pdf"),
            acting_user=referent_a,
        )
        for kind in (short, kept_type)
    ]
    path = Path(documents[0].file.path)
    call_command("apply_retention", "--dry-run")
    assert f"delete document #{documents[0].pk} " in capsys.readouterr().out
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention")
    assert list(Document.objects.filter(learner=learner)) == [documents[1]]
    assert not path.exists()
    assert AuditEntry.objects.filter(action="document.expire", target_id=str(documents[0].pk)).exists()


def test_the_retention_job_runs_every_night():
    entry = next(
        e
        for e in django_settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "mobility.tasks.apply_retention"
    )
    from mobility.celery import app

    app.loader.import_default_modules()
    assert entry["task"] in app.tasks


# --- Exports -------------------------------------------------------------------------------------
def test_exports_are_rate_limited_in_pages_and_api(client_of, referent_a, settings):
    settings.EXPORTS_PER_HOUR = 2
    client = client_of(referent_a)
    form = {"kind": "learners", "file_format": "csv"}
    assert [client.post("/data/exports/", form).status_code for _ in range(2)] == [302, 302]
    refused = client.post("/data/exports/", form)
    assert refused.status_code == 200
    assert "exports in the last hour" in str(refused.context["form"].non_field_errors())
    api = client.post(
        "/api/v1/exports/", {"kind": "learners", "file_format": "csv"}, content_type="application/json"
    )
    assert api.status_code == 429 and int(api["Retry-After"]) > 0
    assert "exports in the last hour" in json.dumps(api.json())
    assert AuditEntry.objects.filter(action="export.rate_limited", actor=referent_a).count() == 2


# --- Script in names ---------------------------------------------------------------------------------
def test_script_in_a_name_is_shown_as_text_in_pages_and_in_the_certificate(client_of, centre_a, referent_a):
    learner = factories.LearnerFactory(
        centre=centre_a, first_name="<script>alert(1)</script>", last_name="Bobby"
    )
    page = client_of(referent_a).get(f"/learners/{learner.pk}/")
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in page.content
    mobility = evaluated_mobility(participant=learner, centre=centre_a)
    certificate = certificates.certificate_issue(mobility=mobility, acting_user=referent_a)
    run_jobs()
    certificate.refresh_from_db()
    text = "".join(p.extract_text() for p in PdfReader(certificate.file.open("rb")).pages)
    assert "<script>alert(1)</script>" in text  # printed as the characters typed, never run


def test_erasure_deletes_the_bundles_that_hold_the_learners_certificate(
    referent_a, centre_a, file_of, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile

    from certification.models import DocumentJob, JobKind
    from tests.certification.factories import GroupFactory

    learner, mobility, _certificate = file_of
    group = GroupFactory(centre=centre_a)
    other = evaluated_mobility(centre=centre_a)
    jobs = []
    for items in ([other.pk, mobility.pk], [other.pk]):
        job = DocumentJob.objects.create(centre=centre_a, kind=JobKind.BUNDLE_ZIP, group=group, items=items)
        job.file.save("bundle.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18))
        jobs.append(job)
    holding = Path(jobs[0].file.path)
    with django_capture_on_commit_callbacks(execute=True):
        privacy.learner_erase(learner=learner, acting_user=referent_a)
    for job in jobs:
        job.refresh_from_db()
    assert not jobs[0].file and not holding.exists()
    assert jobs[1].file  # a bundle without the learner stays


def test_the_public_privacy_page_gives_the_retention_period_in_force(client, settings, english):
    settings.RETENTION_YEARS = 7
    response = client.get("/privacy/")
    assert response.status_code == 200
    text = " ".join(response.content.decode().split())
    assert "anonymised 7 years after the end of their last mobility" in text
