"""The command line, and the import pages from upload to result."""

import io
import re

import pytest
from django.core.management import call_command

from mobility.data.models import ImportBatch, ImportStatus
from mobility.learners.models import Learner
from partners.audit.models import AuditEntry

from .. import factories
from .conftest import csv_upload

pytestmark = pytest.mark.django_db

GOOD = (
    "INE;Nom;Prénom;Date de naissance\n071234567AB;Martin;Léa;17/05/2004\n071234567AC;Durand;Tom;02/01/2003\n"
)
BAD = GOOD + "071234567AD;Nguyen;Linh;31/02/2002\n"


def _command(*args):
    out = io.StringIO()
    code = 0
    try:
        call_command("import_data", *args, stdout=out, stderr=out)
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue()


def test_the_command_imports_and_prints_a_line_per_row(tmp_path, centre_a):
    path = tmp_path / "learners.csv"
    path.write_text(GOOD, encoding="utf-8")
    code, out = _command("learners", str(path), "--centre", str(centre_a.pk))
    assert code == 0
    assert "row 2: new" in out and "row 3: new" in out and "Imported: 2 new" in out
    assert Learner.objects.filter(centre=centre_a).count() == 2
    entry = AuditEntry.objects.get(action="data.import")
    assert entry.actor_label == "command line" and entry.data["created"] == 2


def test_a_failed_row_exits_non_zero_names_row_and_column_and_writes_nothing(tmp_path, centre_a):
    path = tmp_path / "learners.csv"
    path.write_text(BAD, encoding="cp1252")
    code, out = _command("learners", str(path), "--centre", str(centre_a.pk))
    assert code == 1
    assert re.search(r"row 4, column D “Date de naissance”: “31/02/2002” is not a valid date", out)
    assert "Nothing written" in out and Learner.objects.count() == 0


def test_dry_run_writes_nothing(tmp_path, centre_a):
    path = tmp_path / "learners.csv"
    path.write_text(GOOD, encoding="utf-8")
    code, out = _command("learners", str(path), "--centre", str(centre_a.pk), "--dry-run")
    assert code == 0 and "Dry run: 2 new" in out and Learner.objects.count() == 0


def test_skip_errors_writes_the_valid_rows_and_still_reports_failure(tmp_path, centre_a):
    path = tmp_path / "learners.csv"
    path.write_text(BAD, encoding="utf-8")
    code, _out = _command("learners", str(path), "--centre", str(centre_a.pk), "--skip-errors")
    assert code == 1 and Learner.objects.count() == 2


def test_export_data_writes_the_file(tmp_path, centre_a):
    factories.LearnerFactory.create_batch(2, centre=centre_a)
    out = tmp_path / "learners.csv"
    call_command("export_data", "learners", "--format", "csv", "--output", str(out), stdout=io.StringIO())
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 3


# --- Pages ------------------------------------------------------------------------------------
def test_upload_preview_confirm_result(client_of, referent_a, centre_a, media):
    client = client_of(referent_a)
    response = client.post(
        "/data/imports/", {"kind": "learners", "centre": centre_a.pk, "file": csv_upload(BAD, name="sis.csv")}
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == f"/data/imports/{batch.pk}/"
    page = client.get(response.url).content.decode()
    assert "Row 4, column D “Date de naissance”:" in page and "31/02/2002" in page
    refused = client.post(f"/data/imports/{batch.pk}/confirm/", {}, follow=True)
    assert "rows have errors" in refused.content.decode() or "row has an error" in refused.content.decode()
    assert Learner.objects.count() == 0
    client.post(f"/data/imports/{batch.pk}/confirm/", {"skip_errors": "on"})
    batch.refresh_from_db()
    assert batch.status == ImportStatus.DONE and Learner.objects.count() == 2
    errors = client.get(f"/data/imports/{batch.pk}/errors.csv").content.decode("utf-8-sig")
    assert "Nguyen" in errors and "31/02/2002" in errors and "Martin" not in errors


def test_downloading_the_rows_in_error_is_an_audited_export(client_of, referent_a, centre_a, media):
    client = client_of(referent_a)
    client.post("/data/imports/", {"kind": "learners", "centre": centre_a.pk, "file": csv_upload(BAD)})
    batch = ImportBatch.objects.get()
    before = AuditEntry.objects.filter(action="data.export").count()
    response = client.get(f"/data/imports/{batch.pk}/errors.csv")
    assert response.status_code == 200
    entry = AuditEntry.objects.filter(action="data.export").latest("id")
    assert AuditEntry.objects.filter(action="data.export").count() == before + 1
    assert (entry.actor, entry.target_id, entry.centre_id) == (referent_a, str(batch.pk), centre_a.pk)
    assert entry.data == {"kind": "import_errors", "import_kind": "learners", "format": "csv", "rows": 1}


def test_a_refused_file_shows_the_reason_on_the_form(client_of, referent_a, centre_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_of(referent_a).post(
        "/data/imports/",
        {"kind": "learners", "centre": centre_a.pk, "file": SimpleUploadedFile("x.csv", b"%PDF-1.4 fake")},
    )
    assert response.status_code == 200 and b"not a spreadsheet" in response.content
    assert ImportBatch.objects.count() == 0


def test_a_workbook_whose_sheet_cannot_be_parsed_is_refused_on_the_form(client_of, referent_a, centre_a):
    from .test_reading import broken_sheet

    response = client_of(referent_a).post(
        "/data/imports/", {"kind": "learners", "centre": centre_a.pk, "file": broken_sheet(bomb=True)}
    )
    assert response.status_code == 200 and b"This workbook cannot be read" in response.content
    assert ImportBatch.objects.count() == 0


def test_the_preview_page_filters_rows_by_outcome(client_of, referent_a, centre_a, media):
    client = client_of(referent_a)
    client.post("/data/imports/", {"kind": "learners", "centre": centre_a.pk, "file": csv_upload(BAD)})
    batch = ImportBatch.objects.get()
    page = client.get(f"/data/imports/{batch.pk}/?show=error").content.decode()
    assert "Nguyen" in page and "Martin" not in page


def test_templates_have_the_columns_and_an_example_row(client_of, referent_a):
    client = client_of(referent_a)
    csv_text = client.get("/data/imports/template/learners.csv").content.decode("utf-8-sig")
    header, example = csv_text.splitlines()[:2]
    assert "National learner id" in header and "071234567AB" in example
    xlsx = client.get("/data/imports/template/mobilities.xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames[1] == "Columns"
    assert workbook.worksheets[0]["A1"].value == "Reference"


def test_another_centres_import_is_a_404(client_of, referent_a, referent_b, centre_a, media):
    client_of(referent_a).post(
        "/data/imports/", {"kind": "learners", "centre": centre_a.pk, "file": csv_upload(GOOD)}
    )
    batch = ImportBatch.objects.get()
    assert client_of(referent_b).get(f"/data/imports/{batch.pk}/").status_code == 404


def test_imports_list_page_answers_with_few_queries(
    client_of, referent_a, centre_a, media, django_assert_max_num_queries
):
    client = client_of(referent_a)
    for _ in range(3):
        client.post("/data/imports/", {"kind": "learners", "centre": centre_a.pk, "file": csv_upload(GOOD)})
    with django_assert_max_num_queries(12):
        assert client.get("/data/imports/").status_code == 200
