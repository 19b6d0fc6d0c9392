"""The selection report as a PDF: requested from the report's page, rendered by a real worker through
the export jobs, read back with pypdf; typed text shown literally; another centre's call is a 404."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from mobility.data.exports import run as exports_run
from mobility.data.models import ExportJob, ExportStatus
from mobility.recruitment.models import Application
from mobility.recruitment.services import selection
from partners.audit.models import AuditEntry

from .test_rules import _candidate, _close

BAIT = "<script>alert(1)</script>"


def _text(job: ExportJob) -> str:
    from pypdf import PdfReader

    with job.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def _decided_call(call, centre_a, referent_a):
    refused = _candidate(call, centre_a, 1, first_name=BAIT, fewer_opportunities=True)
    Application.objects.filter(pk=refused.pk).update(trade="Pâtisserie")
    chosen = _candidate(call, centre_a, 2, last_name="Lemaire")
    _close(call, referent_a)
    selection.application_decide(
        application=refused, status="not_selected", reason=f"Dossier incomplet {BAIT}", place=None,
        acting_user=referent_a,
    )  # fmt: skip
    selection.application_decide(
        application=chosen, status="selected", reason="Très motivé", place=call.places.order_by("pk").first(),
        acting_user=referent_a,
    )  # fmt: skip
    return refused, chosen


def test_the_pdf_is_written_by_a_real_worker_and_an_auditor_reads_the_call_and_its_decisions(
    call, centre_a, referent_a, client_of, settings, tmp_path, transactional_db
):
    from tests.workers import Worker, wait_for

    settings.MEDIA_ROOT = tmp_path / "media"
    _decided_call(call, centre_a, referent_a)
    client = client_of(referent_a)
    page = client.get(reverse("mobility:call-report", args=[call.pk]))
    assert reverse("mobility:call-report-pdf", args=[call.pk]) in page.content.decode()
    worker = Worker(env={"MEDIA_ROOT": str(settings.MEDIA_ROOT)})
    try:
        worker.wait_ready()
        response = client.post(reverse("mobility:call-report-pdf", args=[call.pk]))
        job = ExportJob.objects.get(kind="selection_report")
        assert response.status_code == 302 and response["Location"] == reverse(
            "data:export-detail", args=[job.pk]
        )
        wait_for(
            lambda: ExportJob.objects.get(pk=job.pk).status == ExportStatus.READY, timeout=60, what="pdf"
        )
    finally:
        worker.stop()
    job.refresh_from_db()
    assert job.file_format == "pdf" and job.row_count == 2 and job.file_name.startswith("selection-report-")
    text = _text(job)
    for expected in (
        "Selection report", "Boulangers à Valence", "Motivation", "× 3", "Langue", "× 1",
        "Boulangerie", "Pâtisserie", "Lemaire", "Très motivé", "Dossier incomplet", "Not selected",
        "Selected", "Porto", centre_a.name, "BY CENTRE", "BY TRADE",
    ):  # fmt: skip
        assert expected in text, expected
    assert BAIT in text.replace("\n", "")  # typed text shown literally, never markup
    period = f"{call.opens_on:%d/%m/%Y} – {call.closes_on:%d/%m/%Y}"
    assert period in text
    download = client.get(reverse("data:export-download", args=[job.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(
        action="call.report.download", data__via="pdf", actor=referent_a
    ).exists()


def test_another_centre_s_call_is_a_404_on_request_and_when_written(
    call, centre_a, referent_a, referent_b, readonly_a, client_of, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    assert client_of(referent_b).post(reverse("mobility:call-report-pdf", args=[call.pk])).status_code == 404
    assert client_of(readonly_a).post(reverse("mobility:call-report-pdf", args=[call.pk])).status_code == 403
    assert not ExportJob.objects.exists()
    # A job that names a call out of its requester's reach writes nothing.
    job = ExportJob.objects.create(
        kind="selection_report", file_format="pdf", params={"call_id": call.pk}, created_by=referent_b
    )
    exports_run.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED and not job.file
    assert not AuditEntry.objects.filter(action="call.report.download").exists()


def test_a_get_is_refused(call, referent_a, client_of):
    assert client_of(referent_a).get(reverse("mobility:call-report-pdf", args=[call.pk])).status_code == 405


@pytest.mark.parametrize("language", ["fr"])
def test_the_pdf_speaks_the_requester_s_language(language, call, centre_a, referent_a, client_of, settings, tmp_path,
                                                 django_capture_on_commit_callbacks):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path / "media"
    _decided_call(call, centre_a, referent_a)
    referent_a.preferred_language = language
    referent_a.save(update_fields=["preferred_language"])
    client = client_of(referent_a)
    with django_capture_on_commit_callbacks():
        client.post(reverse("mobility:call-report-pdf", args=[call.pk]), HTTP_ACCEPT_LANGUAGE=language)
    job = ExportJob.objects.get(kind="selection_report")
    exports_run.export_job_run(job_id=job.pk)  # what the worker runs
    job.refresh_from_db()
    assert job.status == ExportStatus.READY, job.error
    text = _text(job)
    assert "Rapport de sélection" in text and "Non retenu" in text
