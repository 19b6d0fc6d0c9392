"""The Erasmus+ Beneficiary Module file: the import template's vocabulary, sub-rows, date cells,
the pre-check per row and field, and a mapping made from the Module's own empty template."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from mobility.data import erasmus
from mobility.data.models import ErasmusColumn, ExportJob
from tests import factories

from .conftest import host_company

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).parent / "golden" / "erasmus_bm.csv"


@pytest.fixture
def project(centre_a):
    centre_a.oid = "E10000101"
    centre_a.save()
    return factories.ProjectFactory(
        organisation=centre_a,
        grant_agreement_number="2025-1-FR01-KA121-VET-000123456",
        start_date=datetime.date(2025, 6, 1),
        end_date=datetime.date(2027, 5, 31),
    )


def _mobility(centre, project, host, reference, first, last, status="confirmed", **fields):
    learner = factories.LearnerFactory(
        centre=centre, first_name=first, last_name=last, email=f"{reference.lower()}@apprentis.example",
        national_id=f"ID-{reference}", sex="F",
    )  # fmt: skip
    return factories.MobilityFactory(
        participant=learner, project=project, host_organisation=host, reference=reference, status=status,
        planned_start=datetime.date(2026, 3, 2), planned_end=datetime.date(2026, 3, 27), **fields,
    )  # fmt: skip


def _download(client, job) -> bytes:
    return b"".join(client.get(f"/data/exports/{job.pk}/download/").streaming_content)


def _export(client, project, file_format):
    client.post("/data/erasmus/", {"project": project.pk, "file_format": file_format})
    job = ExportJob.objects.order_by("-pk").first()
    assert job.status == "ready", job.error
    return _download(client, job)


def test_the_file_holds_the_exact_header_and_rows_of_the_golden_file(
    client_of, referent_a, centre_a, project, media
):
    host = host_company(centre_a, oid="E10234567", country="ES", city="Valencia")
    _mobility(centre_a, project, host, "MOB-2026-000001", "Léa", "Martin")
    _mobility(centre_a, project, host, "MOB-2026-000002", "Zoë", "O'Brien", status="certified")
    text = _export(client_of(referent_a), project, "csv").decode("utf-8-sig")
    assert text.replace("\r\n", "\n") == GOLDEN.read_text(encoding="utf-8")


def test_xlsx_dates_are_date_cells(client_of, referent_a, centre_a, project, media):
    host = host_company(centre_a, oid="E10234567")
    _mobility(centre_a, project, host, "MOB-2026-000003", "Léa", "Martin")
    book = load_workbook(io.BytesIO(_export(client_of(referent_a), project, "xlsx")))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    start = row[header.index("Start date")]
    assert isinstance(start, datetime.datetime) and start.date() == datetime.date(2026, 3, 2)
    assert row[header.index("Data type")] == "Mobility"
    assert [c.value for c in sheet[3]][header.index("Data type")] == "Itinerary"


def test_the_pre_check_names_the_row_and_field_the_module_would_reject(referent_a, centre_a, project):
    host = host_company(centre_a, oid="E10234567", city="")
    mobility = _mobility(centre_a, project, host, "MOB-2026-000004", "Léa", "Martin", host_city="")
    centre_a.oid = ""
    centre_a.save()
    mobility.refresh_from_db()
    mobility.status = "certified"
    mobility.save()
    check = erasmus.erasmus_check(user=referent_a, project=project)
    reasons = {m.pk: r for m, r in check.rejected}[mobility.pk]
    assert "Itinerary row: “Receiving city” is empty." in reasons
    assert "Certification row: “Certifying organisation” is empty." in reasons
    assert any("sending organisation" in r and "has no OID" in r for r in reasons)


def test_more_than_three_certifications_are_refused(referent_a, centre_a, project, monkeypatch):
    host = host_company(centre_a, oid="E10234567")
    mobility = _mobility(centre_a, project, host, "MOB-2026-000005", "Léa", "Martin", status="certified")
    many = [{"certification_type": "Other", "certifying_organisation": "E10000101"}] * 4
    monkeypatch.setattr(erasmus, "certifications", lambda m: many)
    check = erasmus.erasmus_check(user=referent_a, project=project)
    assert "More than 3 certifications." in {m.pk: r for m, r in check.rejected}[mobility.pk]


def _template(headers) -> SimpleUploadedFile:
    book = Workbook()
    book.active.append(headers)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("template.xlsx", out.getvalue())


def test_a_mapping_is_made_from_the_modules_empty_template(centre_a):
    headers = ["Data type*", "Grant Agreement No.*", "Mobility activity ID*", "Participant ID",
               "Receiving city", "Some new field", "<script>alert(1)</script>{{ x }}"]  # fmt: skip
    mapping, unmatched = erasmus.erasmus_mapping_from_template(
        upload=_template(headers), name="BM 2026", release="2026.1"
    )
    columns = list(mapping.columns.all())
    assert [c.header for c in columns] == [h.rstrip("*") for h in headers]
    assert [c.source for c in columns][:5] == [
        "data_type", "grant_agreement_number", "mobility_activity_id", "participant_id", "receiving_city",
    ]  # fmt: skip
    assert all(c.required for c in columns[:3])
    assert columns[4].rows == "itinerary"
    assert unmatched == ["Some new field", "<script>alert(1)</script>{{ x }}"]
    assert not mapping.is_default


def test_a_template_without_headers_or_name_is_refused():
    with pytest.raises(ValidationError, match="empty"):
        erasmus.erasmus_mapping_from_template(upload=_template(["", ""]), name="x")
    with pytest.raises(ValidationError, match="name"):
        erasmus.erasmus_mapping_from_template(upload=_template(["Data type"]), name=" ")


def test_a_column_on_an_unknown_row_is_refused(centre_a):
    mapping = erasmus.erasmus_default_mapping()
    column = ErasmusColumn(mapping=mapping, header="X", source="empty", rows="mobility,budget")
    with pytest.raises(ValidationError, match="mobility, itinerary or certification"):
        column.full_clean()


def test_the_admin_reads_an_uploaded_template(client_of, operator, media):
    client = client_of(operator)
    page = client.get("/admin/mobility/erasmusmapping/template/")
    assert page.status_code == 200
    response = client.post(
        "/admin/mobility/erasmusmapping/template/",
        {"name": "BM 2026", "release": "2026.1", "template": _template(["Data type*", "Other thing"])},
    )
    assert response.status_code == 302


def test_the_activity_report_names_the_field_of_education():
    from mobility.data.reports import _qualification

    row = {
        "participant__qualification__title": "Boulanger",
        "participant__qualification__diploma": "CAP",
        "participant__qualification__eqf_level": 3,
        "participant__qualification__isced_f": "0721",
        "participant__trade": "",
    }
    assert _qualification(row) == "CAP Boulanger (EQF 3, ISCED-F 0721)"
    assert _qualification({**row, "participant__qualification__isced_f": ""}) == "CAP Boulanger (EQF 3)"
