"""Exports: scoped to what the user may take, and no formula can run on any path."""

import csv
import datetime
import io
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from import_export import resources

from mobility.data import spreadsheets as data_spreadsheets
from mobility.data.exports import jobs as exports_jobs
from mobility.data.exports import rows as exports
from mobility.data.exports import run as exports_run
from mobility.data.models import ExportJob, ExportStatus
from mobility.data.spreadsheets import Rows, SafeCSV, SafeXLSX, write_csv, write_xlsx
from mobility.learners.models import Learner
from partners.audit.models import AuditEntry

from .. import factories

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "\0=1",
]


def _csv_cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=","))


def _assert_csv_safe(data: bytes):
    for row in _csv_cells(data):
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r\0", cell


def _assert_xlsx_safe(data: bytes):
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name)
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.quotePrefix


@pytest.fixture
def evil_learner(centre_a):
    return factories.LearnerFactory(
        centre=centre_a,
        last_name=PAYLOADS[0],
        first_name=PAYLOADS[1],
        trade=PAYLOADS[2],
        position=PAYLOADS[3],
        guardian_name=PAYLOADS[4],
        national_id="=2+5",
    )


def test_the_writer_neutralises_every_dangerous_first_character():
    data = io.BytesIO()
    write_csv(
        Rows(
            "x", ["a"] * len(PAYLOADS), [PAYLOADS, ["ok", "-", "+", 3, -4, None, datetime.date(2024, 1, 2)]]
        ),
        data,
    )
    cells = _csv_cells(data.getvalue())
    assert [c[:2] for c in cells[1]] == ["'=", "'+", "'-", "'@", "'\t", "'\r", "'="]
    assert cells[2][:5] == ["ok", "'-", "'+", "3", "-4"]  # numbers stay numbers


def test_the_xlsx_writer_never_writes_a_formula():
    data = io.BytesIO()
    write_xlsx(Rows("x", ["=header"], [PAYLOADS]), data)
    _assert_xlsx_safe(data.getvalue())


def test_text_of_a_str_subclass_is_neutralised_too():
    from django.db.models import TextChoices
    from django.utils.safestring import mark_safe

    class Kind(TextChoices):
        FORMULA = "=1+1", "formula"

    cells = [mark_safe('=HYPERLINK("http://evil.example")'), Kind.FORMULA, mark_safe("-1+2")]
    data = io.BytesIO()
    write_csv(Rows("x", [mark_safe("@header")], [cells]), data)
    _assert_csv_safe(data.getvalue())
    data = io.BytesIO()
    write_xlsx(Rows("x", [mark_safe("=header")], [cells]), data)
    _assert_xlsx_safe(data.getvalue())
    assert data_spreadsheets.neutralise(Kind.FORMULA) == "'=1+1"


@pytest.mark.parametrize("kind", ["learners", "mobilities"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_export_pages_neutralise_formulas(kind, file_format, client_of, referent_a, evil_learner, media):
    factories.MobilityFactory(participant=evil_learner, host_city="=cmd|'/C calc'!A0")
    client = client_of(referent_a)
    response = client.post("/data/exports/", {"kind": kind, "file_format": file_format, "delimiter": ","})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == ExportStatus.READY, job.error
    download = client.get(f"/data/exports/{job.pk}/download/")
    data = b"".join(download.streaming_content)
    (_assert_csv_safe if file_format == "csv" else _assert_xlsx_safe)(data)
    assert b"HYPERLINK" in data or file_format == "xlsx"


def test_downloading_an_export_file_from_the_page_is_audited(client_of, referent_a, centre_a, media):
    factories.LearnerFactory.create_batch(2, centre=centre_a)
    client = client_of(referent_a)
    client.post("/data/exports/", {"kind": "learners", "file_format": "csv", "centre": centre_a.pk})
    job = ExportJob.objects.get()
    assert client.get(f"/data/exports/{job.pk}/download/").status_code == 200
    entry = AuditEntry.objects.get(action="export.download")
    assert (entry.actor, entry.target_type, entry.target_id) == (
        referent_a,
        "mobility.ExportJob",
        str(job.pk),
    )
    assert entry.centre_id == centre_a.pk
    assert {k: entry.data[k] for k in ("kind", "format", "rows", "via")} == {
        "kind": "learners",
        "format": "csv",
        "rows": 2,
        "via": "page",
    }


def test_the_command_line_neutralises_formulas(tmp_path, evil_learner):
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"learners.{fmt}"
        call_command("export_data", "learners", "--format", fmt, "--output", str(out), stdout=io.StringIO())
        (_assert_csv_safe if fmt == "csv" else _assert_xlsx_safe)(out.read_bytes())
    assert AuditEntry.objects.filter(action="data.export", data__kind="learners").count() == 2


def test_the_admin_action_neutralises_formulas(client, operator, evil_learner, media):
    from mobility.data.models import ErasmusMapping, ImportBatch

    batch = ImportBatch.objects.create(
        centre=evil_learner.centre, kind="learners", original_name="=cmd|' /C calc'!A0.csv", file_format="csv"
    )
    client.force_login(operator)
    for action in ("export_as_csv", "export_as_xlsx"):
        response = client.post(
            "/admin/mobility/importbatch/", {"action": action, "_selected_action": [batch.pk]}
        )
        assert response.status_code == 200
        (_assert_csv_safe if action.endswith("csv") else _assert_xlsx_safe)(response.content)
        assert b"calc" in response.content or action.endswith("xlsx")
    assert ErasmusMapping.objects.count() == 0


def test_django_import_export_formats_use_the_writer(evil_learner):
    class LearnerExport(resources.ModelResource):
        class Meta:
            model = Learner
            fields = ("last_name", "first_name", "trade")

    dataset = LearnerExport().export()
    _assert_csv_safe(SafeCSV().export_data(dataset).encode())
    _assert_xlsx_safe(SafeXLSX().export_data(dataset))


def test_rows_for_the_api_neutralise_formulas_through_the_writer(referent_a, evil_learner):
    rows = exports.rows_for("learners", referent_a, {})
    chunks = b"".join(data_spreadsheets.csv_chunks(rows))
    _assert_csv_safe(chunks)


def _xlsx_text(data: bytes) -> bytes:
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return " ".join(str(c.value) for row in sheet.iter_rows() for c in row).encode()


@pytest.fixture
def evil_evaluations(centre_a, centre_b, evil_learner):
    """A tutor's evaluation whose free texts are formulas (a tutor is outside the platform), and one of centre B."""
    from mobility.evaluations.models import Evaluation, EvaluationKind

    mine = factories.MobilityFactory(participant=evil_learner)
    Evaluation.objects.create(
        mobility=mine,
        kind=EvaluationKind.TUTOR,
        author_name=PAYLOADS[1],
        tasks_carried_out=PAYLOADS[0],
        overall_comment=PAYLOADS[2],
        other_skills=PAYLOADS[3],
    )
    other = factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_b, last_name="Other")
    )
    Evaluation.objects.create(mobility=other, kind=EvaluationKind.TUTOR, overall_comment="centre B")
    return mine


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_evaluation_and_directory_exports_neutralise_formulas_on_every_path(
    file_format, client_of, referent_a, centre_a, evil_evaluations, tmp_path, media
):
    from tests.data.conftest import host_company

    host_company(centre_a, name='=HYPERLINK("http://evil.example","Bakery")', city="@Valencia")
    client = client_of(referent_a)
    for kind in ("evaluations", "organisations"):
        client.post("/data/exports/", {"kind": kind, "file_format": file_format, "centre": centre_a.pk})
        job = ExportJob.objects.filter(kind=kind, file_format=file_format).latest("id")
        assert job.status == ExportStatus.READY and job.row_count >= 1
        page = b"".join(client.get(f"/data/exports/{job.pk}/download/").streaming_content)
        out = tmp_path / f"{kind}.{file_format}"
        call_command("export_data", kind, "--format", file_format, "--output", str(out), stdout=io.StringIO())
        api = b"".join(data_spreadsheets.csv_chunks(exports.rows_for(kind, referent_a, {})))
        for data in (page, out.read_bytes()):
            (_assert_csv_safe if file_format == "csv" else _assert_xlsx_safe)(data)
            assert b"evil.example" in (data if file_format == "csv" else _xlsx_text(data))
        _assert_csv_safe(api)
        assert b"evil.example" in api


def test_a_referent_exports_only_their_centres_evaluations(referent_a, evil_evaluations):
    rows = list(exports.rows_for("evaluations", referent_a, {}).rows)
    assert [r[0] for r in rows] == [evil_evaluations.reference]


def test_the_directory_export_holds_the_users_networks_only(referent_a, centre_a, centre_b):
    from tests.data.conftest import host_company

    mine = host_company(centre_a, name="Panadería Sol", city="Valencia")
    host_company(centre_b, name="Bäckerei Anderswo", city="Leipzig")
    rows = list(exports.rows_for("organisations", referent_a, {}).rows)
    assert [r[0] for r in rows] == [mine.name]


def test_a_referent_exports_only_their_centres_learners(referent_a, centre_a, centre_b):
    mine = factories.LearnerFactory(centre=centre_a, last_name="Mine")
    factories.LearnerFactory(centre=centre_b, last_name="Other")
    rows = list(exports.rows_for("learners", referent_a, {}).rows)
    assert [r[1] for r in rows] == [mine.last_name]


def test_a_chamber_admin_exports_every_centre_of_the_chamber(chamber_admin, centre_a, centre_a2, centre_b):
    for centre in (centre_a, centre_a2, centre_b):
        factories.LearnerFactory(centre=centre, last_name=centre.name[:20])
    rows = list(exports.rows_for("learners", chamber_admin, {}).rows)
    assert sorted(r[-1] for r in rows) == sorted([centre_a.name, centre_a2.name])


def test_asking_for_another_centre_is_refused(referent_a, centre_b):
    with pytest.raises(PermissionDenied):
        exports.rows_for("mobilities", referent_a, {"centre": centre_b.pk})


def test_read_only_staff_cannot_export_personal_data(readonly_a, client_of):
    with pytest.raises(PermissionDenied):
        exports.rows_for("learners", readonly_a, {})
    assert (
        client_of(readonly_a).post("/data/exports/", {"kind": "learners", "file_format": "csv"}).status_code
        == 403
    )


def test_statistics_carry_no_direct_identifier(referent_a, centre_a):
    learner = factories.LearnerFactory(
        centre=centre_a, last_name="Identifiable", date_of_birth=datetime.date(2008, 6, 1)
    )
    factories.MobilityFactory(participant=learner, status="completed")
    data = io.BytesIO()
    rows = exports.rows_for("statistics", referent_a, {})
    write_csv(rows, data)
    text = data.getvalue().decode("utf-8-sig")
    assert "Identifiable" not in text and "2008" not in text and learner.email not in text
    assert "16–17" in text  # an age band instead of the date of birth


def test_an_export_is_audited_with_its_scope_and_row_count(client_of, referent_a, centre_a, media):
    factories.LearnerFactory.create_batch(3, centre=centre_a)
    client_of(referent_a).post(
        "/data/exports/", {"kind": "learners", "file_format": "xlsx", "centre": centre_a.pk}
    )
    entry = AuditEntry.objects.get(action="data.export")
    assert entry.actor == referent_a and entry.data["rows"] == 3 and entry.data["kind"] == "learners"
    assert entry.data["centre"] == centre_a.pk and entry.centre_id == centre_a.pk


def test_someone_elses_export_is_a_404(client_of, referent_a, chamber_admin, media):
    job = ExportJob.objects.create(kind="learners", file_format="csv", created_by=referent_a)
    assert client_of(chamber_admin).get(f"/data/exports/{job.pk}/").status_code == 404


def test_a_large_export_goes_to_a_worker(
    client_of, referent_a, centre_a, settings, media, django_capture_on_commit_callbacks
):
    settings.EXPORT_INLINE_MAX_ROWS = 1
    factories.LearnerFactory.create_batch(2, centre=centre_a)
    with django_capture_on_commit_callbacks() as callbacks:
        client_of(referent_a).post("/data/exports/", {"kind": "learners", "file_format": "csv"})
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.REQUESTED and len(callbacks) == 1
    exports_run.export_job_run(job_id=job.pk)  # what the worker runs
    job.refresh_from_db()
    assert job.status == ExportStatus.READY and job.row_count == 2


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_large_export_is_written_by_a_real_worker_and_downloaded(
    file_format, client_of, referent_a, centre_a, evil_learner, settings, media, transactional_db
):
    from tests.workers import Worker, wait_for

    settings.EXPORT_INLINE_MAX_ROWS = 1
    factories.LearnerFactory.create_batch(4, centre=centre_a)
    worker = Worker(env={"MEDIA_ROOT": str(media)})
    try:
        worker.wait_ready()
        client = client_of(referent_a)
        client.post("/data/exports/", {"kind": "learners", "file_format": file_format})
        job = ExportJob.objects.get()
        wait_for(
            lambda: ExportJob.objects.get(pk=job.pk).status == ExportStatus.READY, timeout=30, what="export"
        )
    finally:
        worker.stop()
    job.refresh_from_db()
    assert job.row_count == 5
    response = client.get(f"/data/exports/{job.pk}/download/")
    assert response.status_code == 200 and response.streaming
    data = b"".join(response.streaming_content)
    (_assert_csv_safe if file_format == "csv" else _assert_xlsx_safe)(data)
    assert b"evil.example" in (data if file_format == "csv" else _xlsx_text(data))
    entry = AuditEntry.objects.get(action="data.export")
    assert (entry.actor, entry.data["rows"], entry.data["format"]) == (referent_a, 5, file_format)


def test_csv_memory_stays_flat_as_rows_grow(tmp_path):
    def peak(count: int) -> int:
        rows = ([f"Nom {i}", i, "=x", "é" * 40] for i in range(count))
        with (tmp_path / f"{count}.csv").open("wb") as out:
            tracemalloc.start()
            write_csv(Rows("x", ["a", "b", "c", "d"], rows), out)
            result = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
        return result

    small, large = peak(5_000), peak(50_000)
    # Ten times the rows written to a file: the peak stays that of one chunk of rows.
    assert large < small * 1.5, (small, large)


def test_xlsx_memory_stays_flat_as_rows_grow():
    def peak(count: int) -> int:
        rows = ([f"Nom {i}", i, "=x"] for i in range(count))
        tracemalloc.start()
        write_xlsx(Rows("x", ["a", "b", "c"], rows), io.BytesIO())
        result = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return result

    small, large = peak(300), peak(3_000)
    # Ten times the rows; the peak grows by far less (the output buffer itself is the only growth).
    assert large < small * 4, (small, large)


def test_the_sweeper_republishes_a_job_no_worker_picked_up(referent_a, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    job = ExportJob.objects.create(kind="learners", file_format="csv", created_by=referent_a)
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    with django_capture_on_commit_callbacks() as callbacks:
        assert exports_jobs.data_jobs_republish_stale() == 1
    assert len(callbacks) == 1


def test_a_job_never_published_is_published_again_after_the_grace_not_before(
    referent_a, django_capture_on_commit_callbacks, settings
):
    """The broker hung when the export was asked for: seconds after, not minutes, it is published."""
    from datetime import timedelta

    from django.utils import timezone

    from partners.broker.models import Recovery

    settings.DATA_JOB_PUBLISH_GRACE = 10
    job = ExportJob.objects.create(kind="learners", file_format="csv", created_by=referent_a)
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=5))
    with django_capture_on_commit_callbacks() as callbacks:
        assert exports_jobs.data_jobs_republish_stale() == 0  # within the grace: its publish may be under way
    assert callbacks == []
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=15))
    with django_capture_on_commit_callbacks() as callbacks:
        assert exports_jobs.data_jobs_republish_stale() == 1
    assert len(callbacks) == 1
    assert Recovery.objects.get(kind="import or export", cause="never_published").count == 1
    ExportJob.objects.filter(pk=job.pk).update(published_at=timezone.now())
    assert exports_jobs.data_jobs_republish_stale() == 0  # published now: left to its worker


def test_old_export_files_are_deleted(referent_a, media):
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    job = ExportJob.objects.create(kind="learners", file_format="csv", created_by=referent_a, status="ready")
    job.file.save("old.csv", ContentFile(b"a"), save=True)
    path = job.file.path
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=30))
    assert exports_run.data_files_purge() == 1
    job.refresh_from_db()
    assert not job.file and not __import__("os").path.exists(path)
