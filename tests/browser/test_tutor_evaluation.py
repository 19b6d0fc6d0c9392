"""A host tutor on a phone, in German: opens the e-mailed link, fills the evaluation, saves a draft,
submits, prints; then the referent validates it.

Labels are looked up through the same catalogue the pages use, so the test keeps working when the
German translations arrive.
"""

import datetime
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from mobility.evaluations.models import Evaluation, EvaluationStatus
from mobility.guests.models import GuestRole
from mobility.guests.services import links as guests
from mobility.mobilities.models import MobilityStatus
from partners.emails.delivery import email_deliver
from partners.emails.models import OutboundEmail

from .. import factories
from ..text import translated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def de(msgid: str) -> str:
    with translation.override("de"):
        return gettext(msgid)


@pytest.fixture
def placement(settings, live_server, centre_a, referent_a):
    settings.SITE_URL = live_server.url
    host = factories.HostCompanyFactory(name="Bäckerei Sonnenschein GmbH", country="DE", city="Freiburg")
    tutor = factories.ContactFactory(
        organisation=host,
        first_name="Jürgen",
        last_name="Weiß",
        email="juergen@baeckerei.example",
        preferred_language="de",
    )
    learner = factories.LearnerFactory(centre=centre_a, first_name="Léa", last_name="Dupont")
    mobility = factories.MobilityFactory(
        participant=learner,
        host_organisation=host,
        host_tutor=tutor,
        host_city="Freiburg",
        host_country="DE",
        status=MobilityStatus.IN_PROGRESS,
        planned_start=datetime.date(2026, 3, 2),
        planned_end=datetime.date(2026, 3, 27),
        evaluation_due=datetime.date(2026, 4, 10),
    )
    agreement = factories.LearningAgreementFactory(mobility=mobility, placement_language="de")
    factories.AgreementOutcomeFactory(agreement=agreement, description="Pétrir une pâte à pain", order=1)
    factories.AgreementOutcomeFactory(agreement=agreement, description="Cuire au four", order=2)
    agreement.translations = {"de": {"outcomes": ["Einen Brotteig kneten", "Im Ofen backen"]}}
    agreement.save(update_fields=["translations"])
    return mobility


def emailed_link(mobility, referent) -> str:
    guests.access_link_invite(mobility=mobility, role=GuestRole.TUTOR, acting_user=referent)
    message = OutboundEmail.objects.get(kind="guest.invitation.tutor")
    email_deliver(message_id=message.pk)
    return re.search(r"https?://\S+/t/[A-Za-z0-9_-]+", mail.outbox[-1].body).group(0)


def test_a_tutor_evaluates_on_a_phone_in_german_and_the_referent_validates(
    browser: Browser, live_server, placement, referent_a, tmp_path
):
    link = emailed_link(placement, referent_a)
    phone = browser.new_context(viewport=PHONE, locale="de-DE", is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(link)

    # The token has left the address bar; the page speaks German.
    expect(page).to_have_url(f"{live_server.url}/guest/{placement.pk}/")
    assert "/t/" not in page.url
    assert page.locator("html").get_attribute("lang") == "de"

    page.get_by_role("link", name=re.compile(de("Evaluate the placement"))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(de("Evaluation of the placement"))
    # The learning outcomes in German, as translated in the agreement.
    kneading = page.get_by_role("group", name="Einen Brotteig kneten")
    kneading.get_by_label(de("Achieved"), exact=True).check()
    page.get_by_label(de("Activities and tasks carried out")).fill(
        "Teig kneten, Brötchen formen, Ofen bedienen."
    )
    page.get_by_role("button", name=de("Save draft")).click()
    expect(page.get_by_role("status")).to_contain_text(
        de("Draft saved at %(time)s. You can come back and finish it later with the same link.").split("%")[0]
    )

    # Coming back later: the draft is there.
    page.goto(f"{live_server.url}/guest/{placement.pk}/")
    page.get_by_role("link", name=re.compile(de("Evaluate the placement"))).click()
    expect(page.get_by_label(de("Activities and tasks carried out"))).to_have_value(
        "Teig kneten, Brötchen formen, Ofen bedienen."
    )
    expect(
        page.get_by_role("group", name="Einen Brotteig kneten").get_by_label(de("Achieved"), exact=True)
    ).to_be_checked()

    # Submitting too early: every missing part is named.
    page.get_by_role("button", name=de("Submit")).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Im Ofen backen")
    expect(alert).to_contain_text(de("Job-related skills: describe the skills acquired."))
    expect(alert).to_contain_text(de("Overall comment: write a few words to conclude."))

    # Filling the rest.
    page.get_by_role("group", name="Im Ofen backen").get_by_label(de("Partly achieved"), exact=True).check()
    page.get_by_role("textbox", name=de("Job-related skills")).fill("Sauerteigführung, Hygiene.")
    language = page.get_by_role("group", name=de("Language %(number)s").replace("%(number)s", "1"))
    expect(language.get_by_label(de("Language"), exact=True)).to_have_value("de")  # the placement's language
    for skill, level in (("Listening", "B1"), ("Reading", "B1"), ("Spoken interaction", "A2"),
                         ("Spoken production", "A2"), ("Writing", "A2")):  # fmt: skip
        language.get_by_label(de(skill), exact=True).select_option(level)
    page.get_by_label(de("Safety"), exact=True).select_option("basic")
    page.get_by_label(de("Days of absence")).fill("1")
    page.get_by_label(de("Overall comment"), exact=True).fill("Eine motivierte Auszubildende.")
    # The tutor signs, as offered; their position is asked for.
    expect(page.get_by_label(de("Name of the signatory"))).to_have_value("Jürgen Weiß")
    page.get_by_label(de("Position in the host organisation")).fill("Bäckermeister")

    axe = Axe().run(page)
    serious = [v for v in axe.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, axe.generate_report()

    page.get_by_role("button", name=de("Submit")).click()
    expect(page).to_have_url(f"{live_server.url}/guest/{placement.pk}/evaluation/view/")
    expect(page.get_by_role("status")).to_be_visible()
    assert page.locator("textarea").count() == 0  # read-only now
    expect(page.get_by_text("Eine motivierte Auszubildende.")).to_be_visible()
    page.screenshot(path=tmp_path / "submitted-360.png", full_page=True)

    # Printing: the print stylesheet drops the header and the buttons, adds the signature box.
    expect(page.get_by_role("button", name=de("Print"))).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name=de("Print"))).to_be_hidden()
    expect(page.locator(".signature-box")).to_be_visible()
    page.screenshot(path=tmp_path / "printed.png", full_page=True)
    page.pdf(path=tmp_path / "evaluation.pdf")
    assert (tmp_path / "evaluation.pdf").stat().st_size > 5000

    evaluation = Evaluation.objects.get(mobility=placement)
    assert evaluation.status == EvaluationStatus.SUBMITTED and evaluation.absence_days == 1
    assert (evaluation.signatory_name, evaluation.signatory_position) == ("Jürgen Weiß", "Bäckermeister")
    assert evaluation.language == "de"
    phone.close()

    # The referent, on a desktop, validates.
    staff = Client()
    staff.force_login(referent_a)

    def mine(msgid: str) -> str:
        return translated(msgid, referent_a.preferred_language)

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    desk.add_cookies(
        [{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": live_server.url}]
    )
    review = desk.new_page()
    review.goto(f"{live_server.url}/mobilities/{placement.pk}/evaluation/")
    expect(review.get_by_text("Eine motivierte Auszubildende.")).to_be_visible()
    # The referent's own language wins over the browser's.
    review.get_by_role("button", name=mine("Validate the evaluation")).click()
    expect(review.get_by_role("status")).to_contain_text(mine("The evaluation is validated."))
    desk.close()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.VALIDATED and evaluation.reviewed_by == referent_a


def test_a_dead_link_on_a_phone_says_how_to_get_a_new_one(page: Page, live_server, placement, referent_a):
    link = emailed_link(placement, referent_a)
    page.set_viewport_size(PHONE)
    page.goto(link[:-5])  # a mail program cut the end off
    expect(page.get_by_role("heading", level=1)).to_have_text(de("This link is incomplete or out of date"))
    page.get_by_role("button", name=de("Send me a new link")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(de("Check your mailbox"))
    assert OutboundEmail.objects.filter(kind="referent.link_problem").count() == 1
    assert OutboundEmail.objects.filter(kind="guest.renewed.tutor").count() == 1


def test_a_tutor_saves_the_untouched_form_as_a_draft_during_the_stay(
    browser: Browser, live_server, placement, referent_a
):
    """During the stay the pre-filled "present until" is the planned end, still ahead: the draft saves."""
    today = datetime.date.today()
    placement.planned_start = today - datetime.timedelta(days=7)
    placement.planned_end = today + datetime.timedelta(days=21)
    placement.save(update_fields=["planned_start", "planned_end"])
    link = emailed_link(placement, referent_a)
    phone = browser.new_context(viewport=PHONE, locale="de-DE", is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.goto(link)
    page.get_by_role("link", name=re.compile(de("Evaluate the placement"))).click()
    expect(page.get_by_label(de("Present until"))).to_have_value(placement.planned_end.isoformat())
    page.get_by_role("button", name=de("Save draft")).click()
    expect(page.get_by_role("status")).to_contain_text(
        de("Draft saved at %(time)s. You can come back and finish it later with the same link.").split("%")[0]
    )
    assert Evaluation.objects.get(mobility=placement).attended_to == placement.planned_end
    phone.close()
