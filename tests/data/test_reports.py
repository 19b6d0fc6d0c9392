"""The activity report, its charts and files, and the Erasmus+ Beneficiary Module file."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from mobility.data import erasmus as reporting
from mobility.data import reports
from mobility.data.models import ErasmusColumn, ExportJob
from mobility.data.reports import report_scope_resolve
from mobility.evaluations.models import EmployerFeedback
from mobility.mobilities.models import MobilityStatus

from .. import factories
from .conftest import host_company

pytestmark = pytest.mark.django_db

YEAR = (datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))


@pytest.fixture
def activity_year(centre_a, centre_a2, centre_b):
    """Centre A: three outgoing (two to Spain, one to Germany), one incoming; A2 one; B one (not ours)."""
    host_es = host_company(centre_a, country="ES", city="Valencia", oid="E10234567")
    host_de = host_company(centre_a, country="DE", city="Leipzig", oid="")
    girl = factories.LearnerFactory(
        centre=centre_a, sex="F", date_of_birth=datetime.date(2008, 3, 1), fewer_opportunities=True
    )
    boy = factories.LearnerFactory(centre=centre_a, sex="M", date_of_birth=datetime.date(2004, 3, 1))
    unknown = factories.LearnerFactory(centre=centre_a, sex="", date_of_birth=None)
    m1 = factories.MobilityFactory(participant=girl, host_organisation=host_es, host_country="ES",
                                   planned_start=datetime.date(2025, 3, 3), planned_end=datetime.date(2025, 3, 28),
                                   status=MobilityStatus.CERTIFIED)  # fmt: skip
    factories.MobilityFactory(participant=boy, host_organisation=host_es, host_country="ES",
                              planned_start=datetime.date(2025, 5, 5), planned_end=datetime.date(2025, 8, 29),
                              activity_type=factories.activity("vet-long-term"), status=MobilityStatus.INTERRUPTED)  # fmt: skip
    factories.MobilityFactory(participant=unknown, host_organisation=host_de, host_country="DE",
                              planned_start=datetime.date(2025, 10, 6), planned_end=datetime.date(2025, 10, 31),
                              status=MobilityStatus.COMPLETED)  # fmt: skip
    foreign = factories.LearnerFactory(centre=centre_a, nationality="IT")
    factories.MobilityFactory(participant=foreign, direction="incoming", host_organisation=None, host_tutor=None,
                              sending_organisation=host_company(centre_a, country="IT", city="Bologna"),
                              host_country="FR", planned_start=datetime.date(2025, 4, 7), planned_end=datetime.date(2025, 4, 30),
                              status=MobilityStatus.COMPLETED)  # fmt: skip
    factories.MobilityFactory(
        participant__centre=centre_a, status=MobilityStatus.DRAFT, planned_start=datetime.date(2025, 6, 2)
    )
    factories.MobilityFactory(participant__centre=centre_a2, status=MobilityStatus.CONFIRMED, planned_start=datetime.date(2025, 9, 1),
                              planned_end=datetime.date(2025, 9, 26))  # fmt: skip
    factories.MobilityFactory(participant__centre=centre_b, status=MobilityStatus.COMPLETED, planned_start=datetime.date(2025, 2, 3),
                              planned_end=datetime.date(2025, 2, 28))  # fmt: skip
    EmployerFeedback.objects.create(mobility=m1, satisfaction=5)
    return m1


def _report(user, scope="all"):
    return reports.activity_report(
        user=user, scope=report_scope_resolve(user, scope), start=YEAR[0], end=YEAR[1]
    )


def test_the_report_counts_the_centres_mobilities_of_the_period(referent_a, activity_year):
    report = _report(referent_a)
    figures = dict(report.figures)
    assert report.mobility_count == 4  # the draft and centre B's are not counted
    assert figures["Outgoing / incoming"] == "3 / 1"
    assert report.table("countries").rows == [["Spain", 2, "66.7 %"], ["Germany", 1, "33.3 %"]]
    assert [r[:2] for r in report.table("sex").rows] == [["Female", 1], ["Male", 1], ["not recorded", 2]]
    assert ["16–17", 1] in [r[:2] for r in report.table("ages").rows]
    assert figures["Completion rate"] == "75.0 %"  # 3 completed of 4 finished
    assert figures["Certification rate"] == "33.3 %"
    assert figures["Employer satisfaction"] == "5.0 / 5"
    assert report.table("incoming_countries").rows[0][:2] == ["Italy", 1]


def test_a_chamber_admin_reports_on_the_whole_chamber(chamber_admin, chamber_a, activity_year):
    assert _report(chamber_admin, f"chamber:{chamber_a.pk}").mobility_count == 5


def test_another_chambers_scope_is_a_404(referent_a, chamber_b, centre_b):
    with pytest.raises(Http404):
        report_scope_resolve(referent_a, f"chamber:{chamber_b.pk}")
    with pytest.raises(Http404):
        report_scope_resolve(referent_a, f"centre:{centre_b.pk}")


def test_someone_without_centres_gets_no_report(operator):
    with pytest.raises(PermissionDenied):
        report_scope_resolve(operator, "all")


def test_charts_are_accessible_svg_with_the_figures_in_words(referent_a, activity_year):
    context = reports.report_context(_report(referent_a))
    _table, chart = next((t, c) for t, c in context["charts"] if t.key == "countries")
    assert chart.startswith('<svg class="chart"') and 'role="img"' in chart
    assert '<title id="chart-countries-title">' in chart and "Spain: 2; Germany: 1" in chart


def test_the_report_page_shows_tables_and_charts(client_of, referent_a, activity_year):
    response = client_of(referent_a).get(
        "/data/reports/", {"scope": "all", "start": "2025-01-01", "end": "2025-12-31"}
    )
    assert response.status_code == 200
    assert response.content.count(b'<svg class="chart"') >= 6
    assert b"Outgoing mobilities by host country" in response.content


def test_read_only_staff_see_reports(client_of, readonly_a):
    assert client_of(readonly_a).get("/data/reports/").status_code == 200


def test_the_xlsx_report_has_one_sheet_per_table_and_no_names(client_of, referent_a, activity_year, media):
    from openpyxl import load_workbook

    client = client_of(referent_a)
    client.post(
        "/data/reports/export/",
        {"scope": "all", "start": "2025-01-01", "end": "2025-12-31", "file_format": "xlsx"},
    )
    job = ExportJob.objects.get()
    assert job.status == "ready", job.error
    workbook = load_workbook(
        io.BytesIO(b"".join(client.get(f"/data/exports/{job.pk}/download/").streaming_content))
    )
    report = _report(referent_a)
    assert len(workbook.sheetnames) == 1 + len(report.tables) + 1  # summary, tables, anonymised rows
    text = " ".join(str(c.value) for s in workbook.worksheets for r in s.iter_rows() for c in r if c.value)
    assert activity_year.participant.last_name not in text
    assert "2008-03-01" not in text


def test_the_pdf_report_renders_with_its_charts(referent_a, activity_year):
    from pypdf import PdfReader

    pdf = reports.report_pdf(_report(referent_a))
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Activity report" in text and "Outgoing mobilities by host country" in text and "Spain" in text


@pytest.mark.parametrize(
    "name",
    [
        "CFA Saint-Aubrac",
        'Le "Fournil" d\'Aubrac \\ } @page { } </style><h1>Injected</h1>',
        "L'Atelier\n& Co <b>",
    ],
)
def test_the_pdf_footer_prints_the_centre_name_as_typed(referent_a, centre_a, activity_year, name):
    from pypdf import PdfReader

    centre_a.name, centre_a.short_name = name, ""
    centre_a.save(update_fields=["name", "short_name"])
    report = reports.activity_report(
        user=referent_a,
        scope=report_scope_resolve(referent_a, f"centre:{centre_a.pk}"),
        start=YEAR[0],
        end=YEAR[1],
    )
    reader = PdfReader(io.BytesIO(reports.report_pdf(report)))
    printed = " ".join(name.split())
    for page in reader.pages:
        text = page.extract_text()
        assert f"{printed} · 01/01/2025 – 31/12/2025" in " ".join(text.split())  # the footer, literally
        assert "Injected" not in text.replace(printed, "")  # nothing escaped the footer's string
    assert "Activity report" in reader.pages[0].extract_text()  # the stylesheet still applies


def test_the_pdf_may_read_static_files_only():
    from django.conf import settings

    fetcher = reports.static_fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("http://evil.example/x.png")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    logo = settings.STATICFILES_DIRS[0] / "images" / "logo.svg"
    assert fetcher.fetch(logo.as_uri()) is not None


def test_a_pdf_report_is_a_worker_job(client_of, referent_a, django_capture_on_commit_callbacks, media):
    with django_capture_on_commit_callbacks() as callbacks:
        client_of(referent_a).post(
            "/data/reports/export/",
            {"scope": "all", "start": "2025-01-01", "end": "2025-12-31", "file_format": "pdf"},
        )
    job = ExportJob.objects.get()
    assert job.status == "requested" and len(callbacks) == 1


# --- Erasmus+ ---------------------------------------------------------------------------------
@pytest.fixture
def project(centre_a):
    centre_a.oid = "E10000101"
    centre_a.save()
    return factories.ProjectFactory(
        organisation=centre_a, start_date=datetime.date(2025, 6, 1), end_date=datetime.date(2027, 5, 31)
    )


def test_the_pre_check_lists_what_the_module_would_reject_and_why(referent_a, centre_a, project):
    good_host = host_company(centre_a, oid="E10234567")
    no_oid_host = host_company(centre_a, oid="")
    good = factories.MobilityFactory(participant__centre=centre_a, project=project, host_organisation=good_host,
                                     planned_start=datetime.date(2026, 3, 2), planned_end=datetime.date(2026, 3, 27), status="confirmed")  # fmt: skip
    no_oid = factories.MobilityFactory(
        participant__centre=centre_a, project=project, host_organisation=no_oid_host, status="confirmed"
    )
    outside = factories.MobilityFactory(participant__centre=centre_a, project=project, host_organisation=good_host, status="completed",
                                        planned_start=datetime.date(2025, 5, 5), planned_end=datetime.date(2025, 5, 30))  # fmt: skip
    too_short = factories.MobilityFactory(participant__centre=centre_a, project=project, host_organisation=good_host, status="completed",
                                          planned_start=datetime.date(2026, 1, 5), planned_end=datetime.date(2026, 1, 9))  # fmt: skip
    factories.MobilityFactory(participant__centre=centre_a, project=project, status="draft")
    check = reporting.erasmus_check(user=referent_a, project=project)
    assert check.valid == [good] and check.not_reported == 1
    reasons = {m.pk: " ".join(r) for m, r in check.rejected}
    assert "has no OID" in reasons[no_oid.pk]
    assert "outside the project" in reasons[outside.pk]
    assert "at least 10 days" in reasons[too_short.pk]


def test_the_file_follows_the_mapping_which_an_administrator_can_change(
    referent_a, centre_a, project, client_of, media
):
    host = host_company(centre_a, oid="E10234567")
    mobility = factories.MobilityFactory(participant__centre=centre_a, participant__sex="F", project=project, host_organisation=host,
                                         planned_start=datetime.date(2026, 3, 2), planned_end=datetime.date(2026, 3, 27), status="confirmed")  # fmt: skip
    mapping = reporting.erasmus_default_mapping()
    ErasmusColumn.objects.create(
        mapping=mapping, order=999, header="Blended", source="constant", constant="No"
    )
    client = client_of(referent_a)
    response = client.post(
        "/data/erasmus/", {"project": project.pk, "mapping": mapping.pk, "file_format": "csv"}
    )
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == "ready", job.error
    text = b"".join(client.get(f"/data/exports/{job.pk}/download/").streaming_content).decode("utf-8-sig")
    header, row = text.splitlines()[:2]
    assert header.split(";")[:3] == ["Data type", "Grant Agreement No.", "Mobility activity ID"]
    assert header.endswith("Blended")
    cells = dict(zip(header.split(";"), row.split(";"), strict=True))
    assert cells["Data type"] == "Mobility"
    assert cells["Grant Agreement No."] == project.grant_agreement_number
    assert cells["Mobility activity ID"] == mobility.reference
    assert cells["Activity type"] == "VET learners - Short-term learning mobility"
    assert cells["Participant gender"] == "Female" and cells["Start date"] == "02/03/2026"
    assert cells["Blended"] == "No" and cells["Receiving organisation OID"] == ""
    itinerary = dict(zip(header.split(";"), text.splitlines()[2].split(";"), strict=True))
    assert itinerary["Data type"] == "Itinerary" and itinerary["Receiving organisation OID"] == "E10234567"


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_report_and_erasmus_files_never_hold_a_formula(
    file_format, client_of, referent_a, centre_a, project, media
):
    from tests.data.test_exports import _assert_csv_safe, _assert_xlsx_safe

    host = host_company(centre_a, oid="E10234567", city="@SUM(A1)")
    factories.MobilityFactory(participant__centre=centre_a, participant__trade='=HYPERLINK("http://evil.example")',
                              project=project, host_organisation=host, host_city="-2+3+cmd|' /C calc'!A0",
                              planned_start=datetime.date(2026, 3, 2), planned_end=datetime.date(2026, 3, 27), status="confirmed")  # fmt: skip
    mapping = reporting.erasmus_default_mapping()
    ErasmusColumn.objects.create(
        mapping=mapping, order=999, header="=Notes", source="constant", constant="+1+1"
    )
    client = client_of(referent_a)
    client.post("/data/erasmus/", {"project": project.pk, "mapping": mapping.pk, "file_format": file_format})
    client.post(
        "/data/reports/export/",
        {"scope": "all", "start": "2026-01-01", "end": "2026-12-31", "file_format": "xlsx"},
    )
    jobs = list(ExportJob.objects.order_by("id"))
    assert [j.status for j in jobs] == ["ready", "ready"], [j.error for j in jobs]
    erasmus, report = (
        b"".join(client.get(f"/data/exports/{j.pk}/download/").streaming_content) for j in jobs
    )
    (_assert_csv_safe if file_format == "csv" else _assert_xlsx_safe)(erasmus)
    _assert_xlsx_safe(report)
    if file_format == "csv":
        assert b"'-2+3+cmd" in erasmus and b"'+1+1" in erasmus


def test_the_erasmus_page_shows_the_pre_check(client_of, referent_a, project):
    response = client_of(referent_a).get("/data/erasmus/", {"project": project.pk})
    assert response.status_code == 200 and b"would be rejected" in response.content


def test_at_the_hourly_limit_report_and_erasmus_files_answer_a_message_not_a_500(
    client_of, referent_a, project, activity_year, settings, media
):
    settings.EXPORTS_PER_HOUR = 2
    client = client_of(referent_a)
    for _ in range(2):
        assert client.post("/data/exports/", {"kind": "learners", "file_format": "csv"}).status_code == 302
    # The Erasmus+ file holds people: refused, with the reason on the page.
    refused = client.post("/data/erasmus/", {"project": project.pk, "file_format": "xlsx"})
    assert refused.status_code == 200
    assert "exports in the last hour" in refused.content.decode()
    # The activity report holds figures: it does not count, and is not refused.
    report = {"scope": "all", "start": "2025-01-01", "end": "2025-12-31", "file_format": "xlsx"}
    for _ in range(3):
        answer = client.post("/data/reports/export/", report)
        assert answer.status_code == 302 and "/data/exports/" in answer["Location"]
    assert ExportJob.objects.filter(kind="report").count() == 3
    assert client.post("/data/exports/", {"kind": "learners", "file_format": "csv"}).status_code == 200


def test_the_report_opens_on_the_current_year_or_the_latest_with_data_shown_in_the_fields(
    client_of, referent_a, activity_year
):
    today = datetime.date.today()
    client = client_of(referent_a)
    # Nothing this year in the fixture: the latest year with mobilities, in the fields.
    page = client.get("/data/reports/")
    html = page.content.decode()
    assert 'name="start" value="2025-01-01"' in html and 'name="end" value="2025-12-31"' in html
    # With a mobility this year, this year.
    factories.MobilityFactory(participant=activity_year.participant, status=MobilityStatus.CONFIRMED,
                              planned_start=datetime.date(today.year, 1, 5), planned_end=datetime.date(today.year, 1, 30))  # fmt: skip
    html = client.get("/data/reports/").content.decode()
    assert f'name="start" value="{today.year}-01-01"' in html
    # Changing only the scope keeps the period typed.
    html = client.get(
        "/data/reports/", {"scope": "all", "start": "2025-03-01", "end": "2025-04-30"}
    ).content.decode()
    assert 'name="start" value="2025-03-01"' in html and 'name="end" value="2025-04-30"' in html
    # A scope alone: the default period, shown.
    html = client.get("/data/reports/", {"scope": "all"}).content.decode()
    assert f'name="start" value="{today.year}-01-01"' in html
