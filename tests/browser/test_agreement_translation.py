"""A referent translates the learning agreement into German for the host tutor; the tutor, on a phone
in German, reads it translated (typed script shown as text), told that the original prevails, and
opens the original."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, expect

from mobility.agreements import services
from mobility.guests.models import GuestRole
from mobility.guests.services import links as guests
from mobility.mobilities.models import MobilityStatus
from partners.emails.delivery import email_deliver
from partners.emails.models import OutboundEmail

from .. import factories
from ..text import translated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}
BAIT = "<script>window.hacked = 1</script>"


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
        status=MobilityStatus.PLANNED,
        planned_start=datetime.date(2026, 3, 2),
        planned_end=datetime.date(2026, 3, 27),
    )
    services.agreement_save(
        mobility=mobility,
        data={
            "language": "fr",
            "placement_language": "de",
            "objectives": "Découvrir la boulangerie allemande",
            "tasks": "Pétrissage du matin",
        },
        outcomes=[{"description": "Pétrir une pâte à pain"}],
        units=None,
        acting_user=referent_a,
    )
    return mobility


def test_a_referent_translates_into_german_and_the_tutor_reads_it(
    browser: Browser, live_server, placement, referent_a, tmp_path
):
    def mine(msgid: str, **values) -> str:
        return (
            translated(msgid, referent_a.preferred_language) % values
            if values
            else translated(msgid, referent_a.preferred_language)
        )

    def label(name: str) -> str:
        text = mine(name)
        return text[:1].upper() + text[1:]

    staff = Client()
    staff.force_login(referent_a)
    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    desk.add_cookies(
        [{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = desk.new_page()
    page.goto(f"{live_server.url}/mobilities/{placement.pk}/")
    german = mine("German")
    page.get_by_role(
        "link", name=mine("Translate for the host tutor (%(language)s)", language=german)
    ).click()
    # the host tutor's language is offered first; each original sits beside its box
    expect(page.get_by_label(mine("Language of the translation"))).to_have_value("de")
    expect(page.get_by_text("Découvrir la boulangerie allemande")).to_be_visible()
    page.get_by_label(label("objectives")).fill(f"Die deutsche Bäckerei entdecken {BAIT}")
    page.get_by_label(label("tasks")).fill("Morgendliches Kneten")
    page.get_by_label(mine("Learning outcome %(number)s", number=1)).fill("Einen Brotteig kneten")
    page.screenshot(path=tmp_path / "translation-form.png", full_page=True)
    page.get_by_role("button", name=mine("Save the translation into %(language)s", language=german)).click()
    expect(page.get_by_role("status").first).to_contain_text(
        mine("The translation into %(language)s has been saved.", language=german)
    )
    expect(page.locator("#agreement")).to_contain_text(mine("up to date"))
    page.locator("#agreement").screenshot(path=tmp_path / "mobility-agreement.png")
    desk.close()

    guests.access_link_invite(mobility=placement, role=GuestRole.TUTOR, acting_user=referent_a)
    email_deliver(message_id=OutboundEmail.objects.get(kind="guest.invitation.tutor").pk)
    link = re.search(r"https?://\S+/t/[A-Za-z0-9_-]+", mail.outbox[-1].body).group(0)
    phone = browser.new_context(viewport=PHONE, locale="de-DE", is_mobile=True, has_touch=True)
    tutor = phone.new_page()
    tutor.goto(link)
    tutor.goto(f"{live_server.url}/guest/{placement.pk}/agreement/")
    expect(tutor.get_by_text(f"Die deutsche Bäckerei entdecken {BAIT}")).to_be_visible()  # as typed
    assert tutor.evaluate("window.hacked") is None
    expect(tutor.get_by_text("Morgendliches Kneten")).to_be_visible()
    expect(tutor.get_by_text("Einen Brotteig kneten")).to_be_visible()
    expect(tutor.get_by_text(de("Translated for you; the original text prevails."))).to_be_visible()
    tutor.screenshot(path=tmp_path / "tutor-translated-360.png", full_page=True)
    with translation.override("de"):
        french = gettext("French")
    tutor.get_by_role("link", name=de("Show the original (%(language)s)") % {"language": french}).click()
    expect(tutor.get_by_text("Découvrir la boulangerie allemande")).to_be_visible()
    expect(tutor.get_by_text("Die deutsche Bäckerei entdecken")).to_have_count(0)

    # The referent rewrites the objectives: their old translation is not shown as current any more.
    services.agreement_save(
        mobility=placement,
        data={"objectives": "Découvrir une boulangerie de Fribourg"},
        outcomes=None,
        units=None,
        acting_user=referent_a,
    )
    tutor.goto(f"{live_server.url}/guest/{placement.pk}/agreement/")
    expect(tutor.get_by_text("Découvrir une boulangerie de Fribourg")).to_be_visible()
    expect(tutor.get_by_text("Die deutsche Bäckerei entdecken")).to_have_count(0)
    expect(tutor.get_by_text("Morgendliches Kneten")).to_be_visible()
    expect(
        tutor.get_by_text(
            de(
                "The agreement has been changed since it was translated: the changed parts are shown in their "
                "original language until the training centre updates the translation."
            )
        )
    ).to_be_visible()
    tutor.screenshot(path=tmp_path / "tutor-outdated-360.png", full_page=True)
    phone.close()
