"""A mobility's grant on its page, the grant agreement that freezes it, payments, the payments due
(CSV/XLSX, formula-safe), rate tables' bad input, the apprentice's legal limits, the BM columns."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mobility.funding import selectors, services
from mobility.funding.models import GrantPayment, MobilityFunding, RateTable
from partners.audit.models import AuditEntry
from tests import factories

DAILY = {(2, "learner"): "40", (2, "staff"): "126", (1, "learner"): "48", (1, "staff"): "153"}
BANDS_2021 = [
    {"min_km": 10, "max_km": 99, "standard": "23", "green": "23"},
    {"min_km": 100, "max_km": 499, "standard": "180", "green": "210"},
    {"min_km": 500, "max_km": 1999, "standard": "275", "green": "320"},
    {"min_km": 2000, "max_km": 2999, "standard": "360", "green": "410"},
    {"min_km": 3000, "max_km": 3999, "standard": "530", "green": "610"},
    {"min_km": 4000, "max_km": 7999, "standard": "820", "green": "820"},
    {"min_km": 8000, "max_km": None, "standard": "1500", "green": "1500"},
]
FIGURES = {
    "day15_factor": "0.70",
    "organisational_support": "100",
    "inclusion_support": "100",
    "course_fee_per_day": "80",
    "course_fee_cap": "800",
    "travel_days_funded": "2",
    "green_travel_days_funded": "6",
    "exceptional_threshold": "0.70",
    "exceptional_share": "0.80",
}


@pytest.fixture
def network_table(chamber_a, centre_admin_a, chamber_admin):
    return services.rate_table_save(
        network=chamber_a,
        call_year=2021,
        national_agency="FR01",
        figures=FIGURES,
        sources={"day15_factor": "Agence Erasmus+ France, tableau 2021"},
        bands=BANDS_2021,
        daily=DAILY,
        acting_user=chamber_admin,
    )


@pytest.fixture
def lyon_cologne(centre_a, referent_a, network_table):
    centre_a.city = "Lyon"
    centre_a.save()
    project = factories.ProjectFactory(
        organisation=centre_a, call_year=2021, grant_agreement_number="2021-1-FR01-KA121-VET-000000001"
    )
    learner = factories.LearnerFactory(
        centre=centre_a,
        first_name='=HYPERLINK("http://x")',
        apprenticeship_start=datetime.date(2025, 9, 1),
        apprenticeship_end=datetime.date(2027, 8, 31),
    )
    return factories.MobilityFactory(
        participant=learner,
        project=project,
        host_city="Cologne",
        host_country="DE",
        planned_start=datetime.date(2026, 3, 2),
        planned_end=datetime.date(2026, 3, 22),  # 21 days
        travel_days=4,
        green_travel=True,
    )


def test_shipped_tables_carry_their_sources_and_leave_unknown_figures_empty(db):
    t2021 = RateTable.objects.get(network__isnull=True, call_year=2021)
    assert [b.standard for b in t2021.travel_rates.all()] == [
        D(x) for x in ("23", "180", "275", "360", "530", "820", "1500")
    ]
    assert all(b.source for b in t2021.travel_rates.all())
    assert t2021.day15_factor is None and "national agency" in t2021.sources["day15_factor"]
    t2025 = RateTable.objects.get(network__isnull=True, call_year=2025)
    assert [b.green for b in t2025.travel_rates.all()][:4] == [D("56"), D("285"), D("417"), D("535")]
    assert [b.standard for b in t2025.travel_rates.all()][4:] == [None, None, None]


def test_the_network_table_is_audited(network_table, chamber_admin):
    entry = AuditEntry.objects.get(action="ratetable.create")
    assert entry.actor == chamber_admin and network_table.updated_by == chamber_admin
    assert network_table.sources["day15_factor"].startswith("Agence")


@pytest.mark.parametrize(
    ("bands", "field", "words"),
    [
        ([{**BANDS_2021[0]}, {**BANDS_2021[2]}], "bands", "gap"),
        ([{**BANDS_2021[0]}, {**BANDS_2021[1], "min_km": 50}], "bands", "overlap"),
        ([{**BANDS_2021[0], "standard": "-5"}], "bands", "Band 1: An amount cannot be negative"),
    ],
)
def test_a_bad_rate_table_is_refused_whole(chamber_a, chamber_admin, bands, field, words):
    with pytest.raises(ValidationError) as exc:
        services.rate_table_save(
            network=chamber_a,
            call_year=2022,
            national_agency="",
            figures=FIGURES,
            sources={},
            bands=bands,
            daily=DAILY,
            acting_user=chamber_admin,
        )
    assert words in " ".join(exc.value.message_dict[field])
    assert not RateTable.objects.filter(network=chamber_a).exists()


def test_a_negative_figure_is_named(chamber_a, chamber_admin):
    with pytest.raises(ValidationError) as exc:
        services.rate_table_save(
            network=chamber_a,
            call_year=2022,
            national_agency="",
            figures={**FIGURES, "organisational_support": "-1"},
            sources={},
            bands=BANDS_2021,
            daily=DAILY,
            acting_user=chamber_admin,
        )
    assert "organisational_support" in exc.value.message_dict


def test_a_referent_may_not_change_rate_tables(chamber_a, referent_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.rate_table_save(
            network=chamber_a,
            call_year=2022,
            national_agency="",
            figures=FIGURES,
            sources={},
            bands=BANDS_2021,
            daily=DAILY,
            acting_user=referent_a,
        )


def test_grant_on_the_page_then_frozen_then_amended(
    client_of, referent_a, lyon_cologne, django_assert_max_num_queries
):
    client = client_of(referent_a)
    url = reverse("mobility:mobility-detail", args=[lyon_cologne.pk])
    client.get(url)
    with django_assert_max_num_queries(60):
        page = client.get(url).content.decode()
    # 320 travel + 14 × 40 + 11 × 28 + 100 organisational support (see test_calculator).
    assert "1288.00" in page and "320.00" in page and "308.00" in page
    assert "mise à disposition" in page  # 21 days ≤ 4 weeks

    response = client.post(reverse("mobility:grant-issue", args=[lyon_cologne.pk]))
    assert response.status_code == 302
    funding = MobilityFunding.objects.get(mobility=lyon_cologne)
    assert funding.frozen["total"] == "1288.00"
    payments = list(funding.payments.all())
    assert [(p.kind, p.amount) for p in payments] == [
        ("prefinancing", D("1030.40")),
        ("balance", D("257.60")),
    ]
    assert AuditEntry.objects.filter(action="grant.issue").exists()

    # A later change: the frozen grant stays, the difference asks for an amendment.
    lyon_cologne.planned_end = datetime.date(2026, 3, 23)
    lyon_cologne.save()
    page = client.get(url).content.decode()
    assert "28.00 EUR" in page and "amendment" in page
    assert selectors.bm_grant_columns([lyon_cologne])[lyon_cologne.pk]["individual_support"] == D("868.00")

    # The first payment recorded.
    first = payments[0]
    response = client.post(
        reverse("mobility:payment-paid", args=[first.pk]), {"paid_on": "2026-02-20", "reference": "VIR-001"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.paid_on == datetime.date(2026, 2, 20) and first.reference == "VIR-001"
    # Amendment: the paid part stays, the rest is rescheduled.
    client.post(reverse("mobility:grant-issue", args=[lyon_cologne.pk]))
    funding.refresh_from_db()
    assert funding.frozen["total"] == "1316.00"
    assert sorted(str(p.amount) for p in funding.payments.all()) == ["1030.40", "285.60"]


def test_payment_in_the_future_or_without_date_is_refused(client_of, referent_a, lyon_cologne):
    funding = services.grant_issue(mobility=lyon_cologne, acting_user=referent_a)
    payment = funding.payments.first()
    response = client_of(referent_a).post(
        reverse("mobility:payment-paid", args=[payment.pk]), {"paid_on": "2099-01-01"}
    )
    assert response.status_code == 400 and "future" in response.content.decode()
    assert GrantPayment.objects.get(pk=payment.pk).paid_on is None


def test_payments_due_export_is_formula_safe(client_of, referent_a, lyon_cologne):
    services.grant_issue(mobility=lyon_cologne, acting_user=referent_a)
    client = client_of(referent_a)
    page = client.get(reverse("mobility:payments-due"), {"month": "2030-01"})
    assert page.status_code == 200 and "1030.40" in page.content.decode()
    csv = client.get(reverse("mobility:payments-due"), {"month": "2030-01", "format": "csv"}).content.decode(
        "utf-8-sig"
    )
    assert "'=HYPERLINK" in csv and "1030.40" in csv
    xlsx = client.get(reverse("mobility:payments-due"), {"month": "2030-01", "format": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cells = [c.value for row in sheet.iter_rows() for c in row]
    assert any(isinstance(v, str) and v.startswith("=HYPERLINK") for v in cells)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert AuditEntry.objects.filter(action="payments.download", actor=referent_a).count() == 2


def test_another_centre_does_not_see_the_payments(client_of, referent_b, referent_a, lyon_cologne):
    services.grant_issue(mobility=lyon_cologne, acting_user=referent_a)
    page = client_of(referent_b).get(reverse("mobility:payments-due"), {"month": "2030-01"}).content.decode()
    assert lyon_cologne.reference not in page


def test_a_town_outside_the_gazetteer_needs_a_band_with_a_reason(client_of, referent_a, lyon_cologne):
    lyon_cologne.host_city = "Trifouilly-les-Oies"
    lyon_cologne.save()
    result = selectors.mobility_grant(lyon_cologne)
    assert result.grant.missing == ("distance",) and result.unknown_towns == ("host",)
    with pytest.raises(ValidationError) as exc:
        services.funding_update(
            mobility=lyon_cologne, data={"manual_band": "500-1999"}, acting_user=referent_a
        )
    assert "manual_band_reason" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.grant_issue(mobility=lyon_cologne, acting_user=referent_a)
    assert not GrantPayment.objects.exists()
    services.funding_update(
        mobility=lyon_cologne,
        data={"manual_band": "500-1999", "manual_band_reason": "EU distance calculator: 612 km"},
        acting_user=referent_a,
    )
    assert selectors.mobility_grant(lyon_cologne).grant.total == D("1288.00")


def test_no_rate_table_for_the_year_is_said(referent_a, lyon_cologne):
    lyon_cologne.project.call_year = 2030
    lyon_cologne.project.save()
    result = selectors.mobility_grant(lyon_cologne)
    assert result.grant.total is None and "rate_table" in result.grant.missing
    assert "rate table" in selectors.missing_label("rate_table")


def test_apprentice_legal_limits(lyon_cologne):
    learner = lyon_cologne.participant
    assert selectors.apprenticeship_check(lyon_cologne).problems == ()
    lyon_cologne.planned_end = datetime.date(2026, 12, 31)  # 305 days
    check = selectors.apprenticeship_check(lyon_cologne)
    assert check.convention == "suspension" and check.problems == ()
    learner.apprenticeship_start, learner.apprenticeship_end = (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
    )
    assert "half" in selectors.apprenticeship_check(lyon_cologne).problems[0][1]
    lyon_cologne.planned_end = datetime.date(2027, 6, 1)
    learner.apprenticeship_end = datetime.date(2029, 12, 31)
    assert "one year" in selectors.apprenticeship_check(lyon_cologne).problems[0][1]
    learner.apprenticeship_start = None
    assert selectors.apprenticeship_check(lyon_cologne).problems[0][0] == "apprenticeship_start"


def test_bm_columns_come_from_the_frozen_grant_only(referent_a, lyon_cologne):
    other = factories.MobilityFactory(participant=factories.LearnerFactory(centre=lyon_cologne.centre))
    services.funding_update(mobility=other, data={"zero_grant": True}, acting_user=referent_a)
    assert selectors.bm_grant_columns([lyon_cologne])[lyon_cologne.pk]["travel"] is None
    services.grant_issue(mobility=lyon_cologne, acting_user=referent_a)
    columns = selectors.bm_grant_columns([lyon_cologne, other])
    assert columns[lyon_cologne.pk] == {
        "travel": D("320.00"),
        "individual_support": D("868.00"),
        "organisational_support": D("100.00"),
        "inclusion_support": D("0.00"),
        "exceptional_costs": D("0.00"),
        "zero_grant": False,
    }
    assert columns[other.pk]["zero_grant"] is True and columns[other.pk]["travel"] is None


def test_project_budget_awarded_committed_realised_and_over(
    client_of, referent_a, lyon_cologne, django_assert_max_num_queries
):
    project = lyon_cologne.project
    project.budget_lines = [
        {"code": "TR", "label": "Travel", "amount": 300},
        {"code": "IS", "label": "Individual support", "amount": 5000},
    ]
    project.save()
    lyon_cologne.status = "confirmed"
    lyon_cologne.save()
    budget = selectors.project_budget(user=referent_a, project=project)
    lines = {line.code: line for line in budget["lines"]}
    assert lines["TR"].committed == D("320.00") and lines["TR"].over and lines["TR"].remaining == D("-20.00")
    assert lines["IS"].forecast == D("868.00") and lines["IS"].remaining == D("4132.00")
    assert lines["organisational_support"].awarded is None  # no line awarded for it
    lyon_cologne.status = "completed"
    lyon_cologne.save()
    budget = selectors.project_budget(user=referent_a, project=project)
    assert budget["total"].realised == D("1288.00") and budget["total"].committed == 0
    client = client_of(referent_a)
    url = reverse("mobility:project-detail", args=[project.pk])
    client.get(url)
    with django_assert_max_num_queries(45):
        page = client.get(url).content.decode()
    assert "over its award" in page and "1288.00" in page
    csv = client.get(reverse("mobility:project-budget-export", args=[project.pk])).content.decode("utf-8-sig")
    assert "Travel,300.00,0.00,320.00,320.00,-20.00" in csv
    project.budget_lines = [{"code": "TR", "label": "=HYPERLINK(1)", "amount": 1}]
    project.save()
    csv = client.get(reverse("mobility:project-budget-export", args=[project.pk])).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv


def test_rate_table_page_for_the_network_administrator(client_of, chamber_admin, chamber_a):
    client = client_of(chamber_admin)
    shipped = RateTable.objects.get(network__isnull=True, call_year=2021)
    page = client.get(reverse("mobility:rate-table-create") + f"?from={shipped.pk}").content.decode()
    assert "1500" in page
    data = {
        "call_year": "2021",
        "national_agency": "fr01",
        "bands": "10 | 99 | 23 | 23 | Guide\n100 | 499 | 180 | 210 | Guide\n600 | | 275 | 320 |",
        "daily_learner_2": "40",
        "organisational_support": "100",
        "sources": "organisational_support | Programme Guide",
    }
    response = client.post(reverse("mobility:rate-table-create"), data)
    assert response.status_code == 400 and "gap between 499 km and 600 km" in response.content.decode()
    assert not RateTable.objects.filter(network=chamber_a).exists()
    data["bands"] = data["bands"].replace("600 |", "500 |")
    response = client.post(reverse("mobility:rate-table-create"), data)
    assert response.status_code == 302
    table = RateTable.objects.get(network=chamber_a)
    assert table.national_agency == "FR01" and table.sources == {"organisational_support": "Programme Guide"}
    assert table.daily_rates.get(participant_kind="learner", country_group=2).amount == D("40")
    assert (
        table.daily_rates.get(participant_kind="staff", country_group=1).amount is None
    )  # missing, not zero
    page = client.get(reverse("mobility:rate-table-list")).content.decode()
    assert "missing" in page


def test_dates_outside_the_project_are_refused(referent_a, lyon_cologne):
    lyon_cologne.project.end_date = datetime.date(2026, 3, 10)
    lyon_cologne.project.save()
    with pytest.raises(ValidationError) as exc:
        services.grant_issue(mobility=lyon_cologne, acting_user=referent_a)
    assert "outside the project" in exc.value.message_dict["planned_start"][0]
    assert (
        not GrantPayment.objects.exists()
        and not MobilityFunding.objects.filter(issued_at__isnull=False).exists()
    )


def test_payments_due_page_queries(client_of, referent_a, lyon_cologne, django_assert_max_num_queries):
    services.grant_issue(mobility=lyon_cologne, acting_user=referent_a)
    other = factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=lyon_cologne.centre),
        project=lyon_cologne.project,
        host_city="Cologne",
        host_country="DE",
    )
    services.grant_issue(mobility=other, acting_user=referent_a)
    client = client_of(referent_a)
    url = reverse("mobility:payments-due") + "?month=2030-01"
    client.get(url)
    with django_assert_max_num_queries(12):
        page = client.get(url).content.decode()
    assert other.reference in page and lyon_cologne.reference in page


def test_the_erasmus_file_carries_the_frozen_grant(referent_a, lyon_cologne):
    """The Beneficiary Module file's grant columns come from the issued grant agreement."""
    from mobility.data import erasmus

    mapping = erasmus.erasmus_default_mapping()
    check = erasmus.ErasmusCheck(project=lyon_cologne.project, mapping=mapping, valid=[lyon_cologne])

    def mobility_row() -> dict:
        rows = erasmus.erasmus_rows(check)
        return dict(zip(rows.header, next(iter(rows.rows)), strict=True))

    before = mobility_row()
    assert before["Travel grant"] == "" and before["Zero grant"] == mapping.no_value
    services.grant_issue(mobility=lyon_cologne, acting_user=referent_a)
    after = mobility_row()
    assert after["Travel grant"] == D("320.00")
    assert after["Individual support grant"] == D("868.00")
    assert after["Organisational support grant"] == D("100.00")
    assert after["Zero grant"] == mapping.no_value


def test_the_activity_report_carries_the_projects_budgets(referent_a, lyon_cologne):
    """Point 4: the budget is exported with the activity report (its tables become the XLSX/PDF)."""
    from mobility.data import reports
    from mobility.data.reports import report_scope_resolve

    project = lyon_cologne.project
    project.budget_lines = [{"code": "TR", "label": "Travel", "amount": 3000}]
    project.save()
    lyon_cologne.status = "confirmed"
    lyon_cologne.save()
    services.grant_issue(mobility=lyon_cologne, acting_user=referent_a)
    report = reports.activity_report(
        user=referent_a,
        scope=report_scope_resolve(referent_a, "all"),
        start=datetime.date(2026, 1, 1),
        end=datetime.date(2026, 12, 31),
    )
    table = report.table("budgets")
    assert table.rows == [
        [project.grant_agreement_number or project.title, D("3000.00"), D("1288.00"), D("0"), D("1288.00"),
         D("1712.00")]
    ]  # fmt: skip
