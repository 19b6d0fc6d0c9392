"""Recruitment end to end in a browser: a learner applies on a 360 px phone, the employer agrees
through their link, two referents score, one selects, and the planned mobility appears with the
learner, host and dates filled in. Pages are photographed under test-results/recruitment/."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, expect

from mobility.recruitment.models import Application
from mobility.recruitment.services import calls
from partners.accounts.roles import Role
from tests import factories
from tests.recruitment.conftest import secret_of

from .support import PHONE, horizontal_overflow, log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _call(centre, referent, host):
    today = timezone.localdate()
    call = calls.call_create(
        centre=centre,
        data={
            "title": "Boulangers à Valence",
            "description": "Quatre semaines en boulangerie.",
            "activity_type": factories.activity(),
            "opens_on": today - datetime.timedelta(days=2),
            "closes_on": today + datetime.timedelta(days=20),
            "asks_letter": False,
        },
        acting_user=referent,
    )
    start = today + datetime.timedelta(days=60)
    calls.place_add(
        call=call,
        data={
            "host_organisation": host,
            "places": 1,
            "start": start,
            "end": start + datetime.timedelta(days=20),
        },
        acting_user=referent,
    )
    calls.criterion_add(
        call=call, data={"label": "Motivation", "weight": 3, "max_points": 10}, acting_user=referent
    )
    return calls.call_transition(call=call, to_status="open", acting_user=referent)


def test_apply_on_a_phone_agree_score_select_and_plan(browser: Browser, site, centre_a, referent_a, tmp_path):
    second = factories.UserFactory(email="gina@montclar.example")
    factories.MembershipFactory(user=second, organisation=centre_a, role=Role.REFERENT)
    host = factories.HostCompanyFactory(name="Panadería Sol", city="Valencia", country="ES")
    call = _call(centre_a, referent_a, host)
    place = call.places.get()

    # The learner, on a phone.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR").new_page()
    phone.goto(f"{site.url}/apply/{call.public_key}/?lang=fr")
    phone.get_by_label("Prénom(s)").fill("Léa")
    phone.get_by_label("Nom", exact=True).fill("Moreau")
    phone.get_by_label("Date de naissance").fill("2004-05-17")
    phone.get_by_label("E-mail", exact=True).fill("lea.moreau@apprentis.example")
    phone.get_by_label("Apprenti (salarié d'une entreprise)").check()
    phone.get_by_label("Employeur", exact=True).fill("Boulangerie Martin")
    phone.get_by_label("E-mail de l'employeur").fill("paul@boulangerie-martin.example")
    phone.get_by_label("J'accepte", exact=False).first.check()
    assert not horizontal_overflow(phone), horizontal_overflow(phone)
    screenshot(phone, "recruitment/public-call-phone")
    phone.get_by_role("button", name="Commencer ma candidature").click()
    application = Application.objects.get(email="lea.moreau@apprentis.example")
    phone.get_by_label("Code reçu par e-mail").fill(secret_of(application, "application_code"))
    phone.get_by_role("button", name="Confirmer").click()
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(PDF)
    phone.get_by_label("Fichier", exact=True).set_input_files(str(cv))
    phone.get_by_role("button", name="Ajouter le fichier").click()
    phone.get_by_label("Destination, choix n° 1").select_option(str(place.pk))
    phone.get_by_label("Pourquoi voulez-vous partir ?").fill("J'aime le pain.")
    assert not horizontal_overflow(phone), horizontal_overflow(phone)
    screenshot(phone, "recruitment/application-phone")
    phone.get_by_role("button", name="Envoyer ma candidature").click()
    expect(phone.get_by_text("Candidature envoyée")).to_be_visible()
    application.refresh_from_db()
    assert application.status == "submitted"

    # The employer, through their link.
    employer = browser.new_context(viewport=PHONE, locale="fr-FR").new_page()
    key = secret_of(application, "application_employer")
    employer.goto(f"{site.url}/apply/link/{key}/?lang=fr")
    assert "/link/" not in employer.url
    employer.get_by_label("J'accepte").check()
    employer.get_by_label("Votre nom").fill("Paul Martin")
    employer.get_by_role("button", name="Envoyer ma réponse").click()
    expect(employer.get_by_text("Votre réponse est enregistrée : accord donné")).to_be_visible()

    # Two referents score, one selects and plans.
    for referent, points in ((referent_a, "8"), (second, "6")):
        context = browser.new_context()
        log_in(context, site, referent, "fr")
        page = context.new_page()
        page.goto(f"{site.url}/applications/{application.pk}/")
        page.get_by_label("Critère").select_option(label="Motivation")
        page.get_by_label("Points").fill(points)
        page.get_by_role("button", name="Enregistrer la note").click()
        expect(page.get_by_text("Note enregistrée")).to_be_visible()
    calls.call_transition(call=call, to_status="closed", acting_user=referent_a)
    page.goto(f"{site.url}/applications/{application.pk}/")
    page.get_by_label("Décision", exact=True).select_option("selected")
    page.get_by_label("Lieu", exact=True).select_option(str(place.pk))
    page.get_by_role("button", name="Enregistrer la décision").click()
    page.get_by_role("button", name="Planifier la mobilité").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("MOB-")
    body = page.locator("main").inner_text()
    assert "Léa MOREAU" in body and "Panadería Sol" in body
    application.refresh_from_db()
    mobility = application.mobility
    assert (mobility.planned_start, mobility.planned_end, mobility.host_organisation) == (
        place.start,
        place.end,
        host,
    )
    assert mobility.activity_type == call.activity_type and mobility.reference in body
    screenshot(page, "recruitment/planned-mobility")
    for name, path in (
        ("call", f"/calls/{call.pk}/"),
        ("report", f"/calls/{call.pk}/report/"),
        ("application", f"/applications/{application.pk}/"),
    ):
        page.goto(f"{site.url}{path}")
        screenshot(page, f"recruitment/staff-{name}")
    # the referent's pages on a phone: nothing wider than the screen (the public address, the scores)
    small = browser.new_context(viewport=PHONE)
    log_in(small, site, referent_a, "fr")
    narrow = small.new_page()
    for path in (f"/calls/{call.pk}/", f"/applications/{application.pk}/", f"/calls/{call.pk}/report/"):
        narrow.goto(f"{site.url}{path}")
        assert not horizontal_overflow(narrow), (path, horizontal_overflow(narrow))
    small.close()


def test_an_open_call_reaches_the_learner_s_space_and_the_referent_tells_them(
    browser: Browser, site, centre_a, referent_a
):
    from mobility.guests.models import GuestRole
    from mobility.mobilities.models import MobilityStatus

    from .support import assert_accessible, personal_link

    host = factories.HostCompanyFactory(name="Panadería Sol", city="Valencia", country="ES")
    call = _call(centre_a, referent_a, host)
    learner = factories.LearnerFactory(
        centre=centre_a, first_name="Inès", last_name="Roux", email="ines.roux@apprentis.example"
    )
    factories.LearnerFactory(centre=centre_a, first_name="Hugo", last_name="Sansadresse", email="")
    mobility = factories.MobilityFactory(participant=learner, status=MobilityStatus.CONFIRMED)

    # The referent tells the eligible learners from the call's page.
    context = browser.new_context()
    log_in(context, site, referent_a, "fr")
    page = context.new_page()
    page.goto(f"{site.url}/calls/{call.pk}/")
    page.get_by_role("button", name="Prévenir les apprenants éligibles").click()
    expect(page.get_by_text("1 apprenant prévenu par e-mail.")).to_be_visible()
    expect(page.get_by_text("Hugo Sansadresse").first).to_be_visible()
    assert_accessible(page, "call page, learners told")
    screenshot(page, "recruitment/call-learners-told")

    # The learner, on a phone, in their learner space.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="fr-FR").new_page()
    phone.goto(personal_link(mobility=mobility, role=GuestRole.LEARNER, referent=referent_a))
    assert phone.url.endswith(f"/guest/{mobility.pk}/"), phone.url
    expect(phone.get_by_role("heading", name="Appels à candidatures ouverts pour vous")).to_be_visible()
    assert not horizontal_overflow(phone), horizontal_overflow(phone)
    screenshot(phone, "recruitment/learner-space-calls-phone")
    phone.get_by_role("link", name="Boulangers à Valence").click()
    expect(phone.get_by_label("Prénom(s)")).to_have_value("Inès")
    expect(phone.get_by_label("Nom", exact=True)).to_have_value("Roux")
    expect(phone.get_by_label("E-mail", exact=True)).to_have_value("ines.roux@apprentis.example")
    screenshot(phone, "recruitment/public-call-prefilled-phone")
