"""A referent's day, in the browser: a new learner, a mobility, its agreement, a document, confirmation."""

import re

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from mobility.catalogue.models import DocumentType
from mobility.mobilities.models import Mobility, MobilityStatus

from .. import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _log_in(page: Page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
            {"name": "mobility_language", "value": "en", "url": live_server.url},
        ]
    )


def test_a_referent_takes_a_new_learner_to_a_confirmed_mobility(
    page: Page, live_server, referent_a, chamber_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    activity = factories.activity("vet-short-term")
    host = factories.HostCompanyFactory(
        name="Panadería Sol S.L.", city="Valencia", country="ES", network=chamber_a
    )
    factories.ContactFactory(organisation=host, first_name="Lucía", last_name="Ortega", is_tutor=True)
    _log_in(page, live_server, referent_a)

    # A new learner.
    page.goto(f"{live_server.url}/learners/new/")
    page.get_by_label("First name(s)").fill("Maëlle")
    page.get_by_label("Last name", exact=True).fill("Kervella")
    page.get_by_label("Date of birth").fill("2004-05-12")
    page.get_by_label("E-mail", exact=True).fill("maelle.kervella@apprentis.example")
    page.get_by_role("button", name="Add the learner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maëlle KERVELLA")

    # A mobility with a host company and its tutor (the tutor list follows the host).
    page.get_by_role("link", name="Plan a mobility").click()
    page.get_by_label("Activity", exact=True).select_option(str(activity.pk))
    page.get_by_label("Host organisation", exact=True).select_option(str(host.pk))
    tutor = page.get_by_label("Host tutor", exact=True)
    expect(tutor.locator("option", has_text="Lucía Ortega")).to_have_count(1)
    tutor.select_option(label="Lucía Ortega")
    page.get_by_label("Planned start").fill("2027-03-01")
    page.get_by_label("Planned end").fill("2027-03-26")
    page.get_by_role("button", name="Create the mobility").click()
    expect(page.locator(".page-header .badge")).to_have_text("Draft")
    mobility = Mobility.objects.get(participant__last_name="Kervella")
    assert mobility.host_tutor.last_name == "Ortega"

    # The learning agreement, then every party's signature.
    page.get_by_role("link", name="Write the agreement").click()
    page.get_by_label("Objectives", exact=True).fill("Travailler dans une boulangerie de Valence.")
    page.get_by_label("Learning outcome").first.fill("Réalise une pâte levée en suivant la fiche technique")
    page.get_by_label("Who assesses").fill("Lucía Ortega, tutrice")
    page.get_by_label("How it is assessed").fill("Grille d'évaluation en fin de stage")
    page.get_by_label("When it is assessed").fill("Dernière semaine")
    page.get_by_role("button", name="Save the agreement").click()
    expect(page.locator("#agreement")).to_contain_text("Réalise une pâte levée")
    for party, signer in (
        ("Learner", None),
        ("Sending organisation", "Camille Rousseau"),
        ("Host organisation", None),
    ):
        row = page.locator("li.signature", has_text=party)
        row.get_by_text(re.compile("Record the signature of the")).click()
        if signer:
            row.get_by_label("Signed by").fill(signer)
        row.get_by_role("button", name="Record the signature").click()
        expect(page.locator("li.signature", has_text=party)).to_contain_text("Signed in the platform")
    expect(page.locator("#agreement")).to_contain_text("Signed by all parties")

    # The documents the activity asks for.
    for code in ("insurance", "ehic", "identity"):
        document_type = DocumentType.objects.get(code=code)
        upload = page.locator("#documents form")
        upload.get_by_label("Type").select_option(str(document_type.pk))
        upload.get_by_label("File").set_input_files(
            {"name": f"{code}.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        upload.get_by_role("button", name="Upload").click()
        expect(page.locator("#documents table")).to_contain_text(f"{code}.pdf")

    # Planned, then confirmed: nothing blocks any more.
    page.get_by_role("button", name="Plan", exact=True).click()
    expect(page.locator(".page-header .badge")).to_have_text("Planned")
    expect(page.get_by_text("Everything is ready")).to_be_visible()
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator(".page-header .badge")).to_have_text("Confirmed")
    mobility.refresh_from_db()
    assert mobility.status == MobilityStatus.CONFIRMED


def test_an_error_in_a_sub_form_of_the_mobility_page_is_brought_into_view(
    page: Page, live_server, referent_a, centre_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    mobility = factories.MobilityFactory(participant=factories.LearnerFactory(centre=centre_a))
    _log_in(page, live_server, referent_a)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{live_server.url}/mobilities/{mobility.pk}/")
    upload = page.locator("#documents form")
    if not upload.is_visible():
        page.locator("#documents summary").click()
    upload.get_by_label("Type").select_option(str(DocumentType.objects.get(code="insurance").pk))
    upload.get_by_label("File").set_input_files(
        {"name": "virus.exe", "mimeType": "application/octet-stream", "buffer": b"MZ\x90\x00not a pdf"}
    )
    upload.get_by_role("button", name="Upload").click()
    error = page.locator("#documents .errorlist, #documents [role=alert], #documents .field-error").first
    expect(error).to_be_visible()
    expect(error).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 500  # the page did not come back at its top
