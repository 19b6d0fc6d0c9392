"""Who is abroad now: the centre's participants abroad today or leaving within 7 days, with what an
emergency needs; the page, the API, audited; another centre's participants never shown."""

import datetime

import pytest
from django.utils import timezone

from mobility.care import selectors
from mobility.care.models import EmergencyNumber
from mobility.catalogue.models import DocumentType
from mobility.documents.models import Document
from mobility.mobilities.models import MobilityStatus
from partners.audit.models import AuditEntry

from .. import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _stay(centre, *, start, end, country="ES", city="Valencia", **kw):
    return factories.MobilityFactory(
        participant=kw.pop("participant", None) or factories.LearnerFactory(centre=centre),
        status=MobilityStatus.IN_PROGRESS if start <= TODAY else MobilityStatus.CONFIRMED,
        host_country=country, host_city=city, planned_start=start, planned_end=end, **kw,
    )  # fmt: skip


@pytest.fixture
def abroad(centre_a, centre_b):
    minor = factories.LearnerFactory(
        centre=centre_a, first_name="Léa", last_name="Petit", date_of_birth=TODAY - datetime.timedelta(days=16 * 365),
        guardian_name="Marie Petit", guardian_phone="+33 6 11 22 33 44",
    )  # fmt: skip
    here = _stay(centre_a, start=TODAY - datetime.timedelta(days=5), end=TODAY + datetime.timedelta(days=10),
                 participant=minor, accompanying_person="M. Bernard +33 6 00 00 00 01")  # fmt: skip
    insurance = DocumentType.objects.get(code="insurance")
    Document.objects.create(centre_id=centre_a.pk, learner=minor, mobility=here, document_type=insurance,
                            original_name="assurance.pdf", content_type="application/pdf", size=10,
                            sha256="0" * 64, file="documents/x.pdf")  # fmt: skip
    leaving = _stay(centre_a, start=TODAY + datetime.timedelta(days=3), end=TODAY + datetime.timedelta(days=20),
                    country="NO", city="Bergen")  # fmt: skip
    _stay(
        centre_a, start=TODAY + datetime.timedelta(days=12), end=TODAY + datetime.timedelta(days=30)
    )  # too late
    _stay(centre_a, start=TODAY - datetime.timedelta(days=30), end=TODAY - datetime.timedelta(days=1))  # back
    _stay(
        centre_b, start=TODAY - datetime.timedelta(days=2), end=TODAY + datetime.timedelta(days=5)
    )  # not ours
    EmergencyNumber.objects.update_or_create(country="NO", defaults={"number": "112 / 113"})
    return here, leaving


def test_the_list_has_who_is_abroad_and_leaving_within_the_week(referent_a, abroad):
    here, leaving = abroad
    rows = selectors.abroad_now_for_user(user=referent_a)
    assert [r.mobility for r in rows] == [here, leaving]
    first = rows[0]
    assert first.abroad and first.minor and first.emergency_number == "112"
    assert first.insurance and "assurance.pdf" in first.insurance[0]
    assert not rows[1].abroad and rows[1].emergency_number == "112 / 113"
    assert [r.mobility for r in selectors.abroad_now_for_user(user=referent_a, country="NO")] == [leaving]
    assert [r.mobility for r in selectors.abroad_now_for_user(user=referent_a, town="valen")] == [here]


def test_the_page_shows_it_and_reading_is_audited(
    client, referent_a, referent_b, abroad, django_assert_max_num_queries
):
    client.force_login(referent_a)
    with django_assert_max_num_queries(16):
        html = client.get("/abroad-now/").content.decode()
    assert "Léa Petit" in html and "Marie Petit" in html and "M. Bernard" in html and "Bergen" in html
    assert AuditEntry.objects.filter(action="abroad_now.read", actor=referent_a).exists()
    client.force_login(referent_b)
    assert "Léa Petit" not in client.get("/abroad-now/").content.decode()


def test_a_tutor_without_a_phone_shows_the_email_alone_and_referents_by_name(client, referent_a, abroad):
    here, _ = abroad
    here.host_tutor.phone = ""
    here.host_tutor.save(update_fields=["phone"])
    referent_a.first_name, referent_a.last_name = "Camille", "Roux"
    referent_a.save(update_fields=["first_name", "last_name"])
    client.force_login(referent_a)
    html = client.get("/abroad-now/").content.decode()
    assert here.host_tutor.email in html
    assert "– ·" not in html and "· –" not in html
    assert f"Camille Roux ({referent_a.email})" in html


def test_the_api_gives_the_same_list(client, referent_a, abroad):
    client.force_login(referent_a)
    data = client.get("/api/v1/abroad-now/").json()
    assert [r["reference"] for r in data] == [m.reference for m in abroad]
    assert data[0]["guardian_name"] == "Marie Petit" and data[1]["guardian_name"] == ""
    assert AuditEntry.objects.filter(action="abroad_now.read", data__via="api").exists()
    assert client.get("/api/v1/abroad-now/?colour=red").status_code == 400


def test_the_emergency_sheet_is_a_pdf_a_worker_renders(client, referent_a, abroad, settings, tmp_path,
                                                       django_capture_on_commit_callbacks):  # fmt: skip
    import io

    from pypdf import PdfReader

    from mobility.data.exports import run as exports_run
    from mobility.data.models import ExportJob

    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(referent_a)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/abroad-now/sheet/", {"country": "", "town": ""})
    job = ExportJob.objects.get(kind="emergency_sheet")
    assert response.status_code == 302 and job.status == "requested" and len(callbacks) == 1
    exports_run.export_job_run(job_id=job.pk)  # what the worker runs
    job.refresh_from_db()
    assert job.status == "ready" and job.row_count == 2
    with job.file.open("rb") as handle:
        raw = handle.read()
        text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(raw)).pages)
    assert "Emergency sheet" in text and "Léa Petit" in text and "Marie Petit" in text and "Bergen" in text
    assert AuditEntry.objects.filter(action="abroad_now.read", data__via="pdf").exists()


def test_the_api_refuses_bad_filters(client, referent_a, abroad):
    client.force_login(referent_a)
    assert client.get("/api/v1/abroad-now/?centre=null").status_code == 400
    assert client.get("/api/v1/abroad-now/?country=Spain").status_code == 400
    assert len(client.get("/api/v1/abroad-now/?country=no").json()) == 1
