import re
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import Page, expect

from partners.directory.models import Contact, Organisation
from partners.emails.delivery import email_deliver
from partners.emails.models import OutboundEmail
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser):
    # English pages whatever the catalogues say: the test reads labels.
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def log_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("main").get_by_role("button", name="Log in").click()


def assert_accessible(page: Page) -> None:
    results = Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in serious]


def test_an_admin_invites_a_referent_who_adds_a_host_company_with_its_tutor(
    page: Page, live_server, centre_admin_a, centre_a
):
    base = live_server.url
    log_in(page, base, centre_admin_a.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Team").click()
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("E-mail address").fill("noe.petit@montclar.example")
    page.get_by_label("First name").fill("Noé")
    page.get_by_label("Last name").fill("Petit")
    page.get_by_label("Role").select_option(label="Mobility referent")
    page.get_by_label("Language of the invitation").select_option("en")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_role("status")).to_contain_text("noe.petit@montclar.example")
    expect(page.get_by_role("table").first).to_contain_text("noe.petit@montclar.example")
    page.locator("summary").filter(has_text=centre_admin_a.first_name).click()
    page.get_by_role("button", name="Log out").click()

    # The invitee follows the link from the e-mail and chooses a password.
    email_deliver(message_id=OutboundEmail.objects.get().pk)  # what the worker does
    link = re.search(r"https?://\S+/accounts/invitation/\S+/", mail.outbox[-1].body).group(0)
    page.goto(base + urlparse(link).path)
    expect(page).to_have_url(f"{base}/accounts/invitation/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the mobility platform")
    page.get_by_label("Choose a password").fill("une-phrase-longue-42")
    page.get_by_label("Password again").fill("une-phrase-longue-42")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Noé")

    # The new referent adds a host company to the directory…
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Partners").click()
    page.get_by_role("link", name="Add an organisation").click()
    page.get_by_label("Kind").select_option(label="Host company")
    page.get_by_label("Legal name").fill("Panadería Hermanos Ortega S.L.")
    page.get_by_label("Country").select_option("ES")
    page.get_by_label("City").fill("Valencia")
    page.get_by_label("Erasmus+ OID").fill("e10204511")
    assert_accessible(page)
    page.get_by_role("button", name="Add to the directory").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Panadería Hermanos Ortega S.L.")

    # …and its tutor.
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("First name").fill("Lucía")
    page.get_by_label("Last name").fill("Ortega Ruiz")
    page.get_by_label("E-mail").fill("lucia@ortega.example")
    page.get_by_label("Phone").fill("+34 961 234 567")
    expect(page.get_by_label("Host tutor")).to_be_checked()
    page.get_by_label("Preferred language").select_option("es")
    page.get_by_label("Spanish", exact=True).check()
    page.get_by_label("English", exact=True).check()
    assert_accessible(page)
    page.get_by_role("button", name="Save", exact=True).click()
    contacts = page.get_by_role("region", name="Contacts and tutors")
    expect(contacts).to_contain_text("Lucía Ortega Ruiz")
    expect(contacts).to_contain_text("Tutor")
    assert_accessible(page)

    org = Organisation.objects.get(name="Panadería Hermanos Ortega S.L.")
    assert (org.oid, org.owner_centre, org.network_id) == ("E10204511", centre_a, centre_a.network_id)
    tutor = Contact.objects.get(organisation=org)
    assert (tutor.is_tutor, tutor.preferred_language, sorted(tutor.languages)) == (True, "es", ["en", "es"])


def test_a_likely_duplicate_is_shown_with_a_link_before_anything_is_saved(
    page: Page, live_server, referent_a, centre_a
):
    from tests import factories

    existing = factories.DirectoryEntryFactory(
        owner_centre=centre_a, name="Bakewell Artisan Bakery Ltd", city="Cork", country="IE"
    )
    log_in(page, live_server.url, referent_a.email)
    page.goto(f"{live_server.url}/partners/new/")
    page.get_by_label("Kind").select_option(label="Host company")
    page.get_by_label("Legal name").fill("BAKEWELL ARTISAN BAKERY")
    page.get_by_label("Country").select_option("IE")
    page.get_by_label("City").fill("cork")
    page.get_by_role("button", name="Add to the directory").click()
    expect(page.get_by_role("link", name="Bakewell Artisan Bakery Ltd")).to_have_attribute(
        "href", f"/partners/{existing.pk}/"
    )
    assert Organisation.objects.filter(city__iexact="cork").count() == 1
    page.get_by_label("I have checked: this is a different organisation").check()
    page.get_by_role("button", name="Add to the directory").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("BAKEWELL ARTISAN BAKERY")


def test_the_partner_pages_have_no_serious_accessibility_problem(
    page: Page, live_server, chamber_admin, centre_a
):
    from tests import factories

    host = factories.DirectoryEntryFactory(
        owner_centre=centre_a, name="Leipomo Virtanen Oy", city="Tampere", country="FI"
    )
    factories.ContactFactory(organisation=host)
    agreement = factories.AgreementFactory(owner_centre=centre_a, partners=[host])
    log_in(page, live_server.url, chamber_admin.email)
    for path in [
        "/partners/",
        f"/partners/{host.pk}/",
        f"/partners/{host.pk}/merge/",
        "/partners/agreements/",
        f"/partners/agreements/{agreement.pk}/",
        "/partners/agreements/new/",
        "/partners/team/",
        "/partners/team/invite/",
    ]:
        page.goto(live_server.url + path)
        assert_accessible(page)
    page.set_viewport_size({"width": 360, "height": 800})
    for path in ["/partners/", f"/partners/{host.pk}/contacts/new/"]:
        page.goto(live_server.url + path)
        assert_accessible(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than a phone
