"""Quality and care in a real browser: the learner answers the end-of-stay questionnaire on a phone; the
referent fills the placement's checklist and sets the host "to watch"; the "abroad now" page and its
emergency sheet (PDF, written by the worker's code) show a learner who is abroad today.
Screenshots under test-results/quality/."""

import datetime
import io

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from mobility.guests.models import GuestRole
from mobility.mobilities.models import MobilityStatus
from mobility.quality.models import ParticipantReport, ReportQuestion
from partners.quality.models import HostStatus

from .. import factories
from .support import (
    DESKTOP,
    PHONE,
    assert_accessible,
    horizontal_overflow,
    log_in,
    open_page,
    personal_link,
    screenshot,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def stays(site, centre_a, chamber_a, referent_a):
    today = timezone.localdate()
    host = factories.HostCompanyFactory(
        name="Panadería Sol S.L.", city="Valencia", country="ES", network=chamber_a
    )
    tutor = factories.ContactFactory(organisation=host, first_name="Lucía", last_name="García", phone="+34 600 111 222",
                                     email="lucia@panaderia-sol.example", preferred_language="es")  # fmt: skip
    learner = factories.LearnerFactory(centre=centre_a, first_name="Maëlle", last_name="Kervella",
                                       email="maelle@apprentis.example", preferred_language="fr")  # fmt: skip
    ended = factories.MobilityFactory(
        participant=learner, host_organisation=host, host_tutor=tutor, status=MobilityStatus.COMPLETED,
        host_city="Valencia", host_country="ES",
        planned_start=today - datetime.timedelta(days=30), planned_end=today - datetime.timedelta(days=1),
    )  # fmt: skip
    minor = factories.LearnerFactory(centre=centre_a, first_name="Noé", last_name="Lambert",
                                     date_of_birth=today - datetime.timedelta(days=16 * 365),
                                     guardian_name="Claire Lambert", guardian_phone="+33 6 12 34 56 78")  # fmt: skip
    abroad = factories.MobilityFactory(
        participant=minor, host_organisation=host, host_tutor=tutor, status=MobilityStatus.IN_PROGRESS,
        host_city="Valencia", host_country="ES", accompanying_person="Marc Durand +33 6 99 88 77 66",
        planned_start=today - datetime.timedelta(days=3), planned_end=today + datetime.timedelta(days=18),
    )  # fmt: skip
    return {"ended": ended, "abroad": abroad, "host": host, "referent": referent_a}


def test_questionnaire_checklist_status_and_abroad_now(browser: Browser, site, stays):
    ended, host = stays["ended"], stays["host"]
    # --- The learner, on a phone, in French ---------------------------------------------------------
    phone = browser.new_context(viewport=PHONE, locale="fr", is_mobile=True, has_touch=True).new_page()
    phone.goto(personal_link(mobility=ended, role=GuestRole.LEARNER, referent=stays["referent"]))
    base = phone.url.split("/guest/")[0]
    expect(phone.get_by_role("link", name="Répondre au questionnaire")).to_be_visible()
    open_page(phone, f"{base}/guest/{ended.pk}/report/?lang=fr")
    assert horizontal_overflow(phone) == []
    assert_accessible(phone, "end-of-stay questionnaire")
    for question in ReportQuestion.objects.filter(network__isnull=True):
        if question.kind == "rating":
            phone.locator(f"input[name=q{question.pk}][value='4']").check()
        elif question.kind == "yes_no":
            phone.locator(f"input[name=q{question.pk}][value='yes']").check()
        else:
            phone.locator(f"textarea[name=q{question.pk}]").fill("Très bon accueil, j'y retournerais.")
    screenshot(phone, "quality/learner-questionnaire-phone")
    phone.get_by_role("button", name="Envoyer mes réponses").click()
    expect(phone.locator("body")).to_contain_text("Merci")
    screenshot(phone, "quality/learner-questionnaire-answered-phone")
    assert ParticipantReport.objects.get(mobility=ended).answered_at is not None
    phone.context.close()

    # --- The referent: checklist, then "to watch" -------------------------------------------------
    context = browser.new_context(viewport=DESKTOP, locale="en")
    log_in(context, site, stays["referent"], language="en")
    page = context.new_page()
    open_page(page, f"{site.url}/quality/mobilities/{ended.pk}/checklist/")
    for radio in page.locator("input[type=radio][value=yes]").all():
        radio.check()
    page.locator("input[name^=item][value=no]").first.check()
    page.get_by_role("button", name="Save the checklist").click()
    expect(page.get_by_role("heading", name="Quality record")).to_be_visible()
    page.locator("select[name=status]").select_option("watch")
    page.locator("textarea[name=reason]").fill("No induction on the first day; tutor often away.")
    page.get_by_role("button", name="Save the status").click()
    expect(page.locator(".page-header .badge--quality-watch")).to_have_text("To watch")
    expect(page.locator("body")).to_contain_text("4.0 / 5")  # the learner's overall rating
    screenshot(page, "quality/organisation-record")
    assert_accessible(page, "quality record")
    assert HostStatus.objects.get(organisation=host).status == "watch"
    open_page(page, f"{site.url}/partners/?quality=watch")
    expect(page.locator("body")).to_contain_text("Panadería Sol S.L.")

    # --- An incident during the stay of the learner abroad --------------------------------------------
    abroad = stays["abroad"]
    open_page(page, f"{site.url}/mobilities/{abroad.pk}/incidents/")
    page.locator("select[name=kind]").select_option("accident")
    page.locator("select[name=severity]").select_option("serious")
    page.locator("input[name=occurred_on]").fill(timezone.localdate().isoformat())
    page.locator("textarea[name=description]").fill("Chute dans l'atelier, poignet douloureux.")
    page.get_by_role("button", name="Record the incident").click()
    expect(page.locator("body")).to_contain_text("Serious incident recorded")
    screenshot(page, "quality/incidents")
    assert_accessible(page, "incidents")
    open_page(page, f"{site.url}/quality/reports/")
    screenshot(page, "quality/reports")
    assert_accessible(page, "end-of-stay reports")

    # --- Who is abroad now, and the emergency sheet ------------------------------------------------
    open_page(page, f"{site.url}/abroad-now/")
    expect(page.locator("body")).to_contain_text("Noé Lambert")
    expect(page.locator("body")).to_contain_text("Claire Lambert")
    expect(page.locator("body")).to_contain_text("112")
    # every column in sight on a desktop: no table scrolling sideways, no text cut off
    clipped = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1).length"
    )
    assert clipped == 0, "the abroad-now table scrolls sideways at 1280 px"
    screenshot(page, "quality/abroad-now")
    assert_accessible(page, "abroad now")
    page.get_by_role("button", name="Emergency sheet (PDF)").click()
    page.wait_for_url("**/data/exports/*/")
    from pypdf import PdfReader

    from mobility.data.exports import run as exports_run
    from mobility.data.models import ExportJob

    job = ExportJob.objects.get(kind="emergency_sheet")
    exports_run.export_job_run(job_id=job.pk)  # what the worker runs
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(handle.read())).pages)
    assert "Noé Lambert" in text and "Claire Lambert" in text and "Marc Durand" in text
    context.close()
