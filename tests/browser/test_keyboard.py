"""Keyboard only: the key forms are reached, filled in and sent without a mouse, and every stop of
the Tab key shows where the focus is (an outline of at least 2 px, 3:1 against its surroundings)."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Browser, Page, expect

from mobility.guests.models import HostConfirmation
from mobility.learners.models import Learner

from .support import PHONE, focus_indicator, log_in, open_page, personal_link, tab_through

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Presses Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} is not reachable with the Tab key")


def test_the_skip_link_comes_first_and_leads_to_the_content(page: Page, live_server, world):
    log_in(page.context, live_server, world.referent, language="en")
    open_page(page, f"{live_server.url}/mobilities/{world.mobility.pk}/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown when focused, hidden otherwise
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_a_referent_adds_a_learner_with_the_keyboard_only(page: Page, live_server, world):
    log_in(page.context, live_server, world.referent, language="en")
    open_page(page, f"{live_server.url}/learners/new/")
    _tab_to(page, "input[name=first_name]")
    page.keyboard.type("Noé")
    _tab_to(page, "input[name=last_name]")
    page.keyboard.type("Lefèvre")
    _tab_to(page, "input[name=email]")
    page.keyboard.type("noe.lefevre@apprentis.example")
    page.keyboard.press("Enter")  # Enter in a text field sends the form
    expect(page.get_by_role("heading", level=1)).to_have_text("Noé LEFÈVRE")
    assert Learner.objects.filter(last_name="Lefèvre", email="noe.lefevre@apprentis.example").exists()


def test_a_tutor_confirms_the_placement_with_the_keyboard_only(browser: Browser, world):
    page = browser.new_context(locale="es-ES").new_page()
    page.goto(personal_link(mobility=world.mobility, role="tutor", referent=world.referent))
    page.goto(f"{page.url.split('/guest/')[0]}/guest/{world.mobility.pk}/confirm/")
    _tab_to(page, "input[name=answer]")
    page.keyboard.press("Space")  # the first choice: "yes, on these dates"
    expect(page.locator("input[name=answer][value=yes]")).to_be_checked()
    _tab_to(page, "main button[type=submit]")
    page.keyboard.press("Enter")
    with translation.override("es"):
        expect(page.get_by_role("status")).to_contain_text(
            gettext("Thank you: the training centre has your answer.")
        )
    confirmation = HostConfirmation.objects.get(mobility=world.mobility)
    assert confirmation.dates_confirmed
    page.context.close()


def test_the_missing_parts_of_an_evaluation_lead_the_keyboard_to_their_fields(browser: Browser, world):
    page = browser.new_context(locale="es-ES").new_page()
    page.goto(personal_link(mobility=world.mobility, role="tutor", referent=world.referent))
    page.goto(f"{page.url.split('/guest/')[0]}/guest/{world.mobility.pk}/evaluation/")
    _tab_to(page, "button[name=action][value=submit]")
    page.keyboard.press("Enter")
    # The list of missing parts takes the focus (a screen reader reads it), its links come next.
    summary = page.locator("#missing")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    first = summary.locator("a").first
    expect(first).to_be_focused()
    target = first.get_attribute("href").lstrip("#")
    page.keyboard.press("Enter")
    expect(page.locator(f"#{target}")).to_be_focused()
    assert page.locator(f"#{target}").get_attribute("aria-invalid") == "true"
    page.context.close()


def test_the_menu_opens_with_the_keyboard_on_a_phone(browser: Browser, live_server, world):
    page = browser.new_context(viewport=PHONE, locale="en-GB", is_mobile=True, has_touch=True).new_page()
    log_in(page.context, live_server, world.referent, language="en")
    open_page(page, f"{live_server.url}/")
    menu = page.get_by_role("button", name="Menu")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    _tab_to(page, "[data-nav-toggle]")
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # past the account menu and the language switcher, into the menu
    _tab_to(page, "#site-nav a")
    assert focus_indicator(page)["outline"] >= 2
    page.context.close()


@pytest.mark.parametrize("where", ["dashboard", "mobility", "tutor-evaluation", "login"])
def test_every_tab_stop_shows_the_focus(browser: Browser, live_server, world, where):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    if where == "tutor-evaluation":
        page.goto(personal_link(mobility=world.mobility, role="tutor", referent=world.referent))
        page.goto(f"{page.url.split('/guest/')[0]}/guest/{world.mobility.pk}/evaluation/")
    elif where == "login":
        open_page(page, f"{live_server.url}/accounts/login/")
    else:
        log_in(context, live_server, world.referent)
        open_page(
            page,
            f"{live_server.url}/"
            if where == "dashboard"
            else f"{live_server.url}/mobilities/{world.mobility.pk}/",
        )
    weak = tab_through(page, 60)
    context.close()
    assert not weak, "focus hard to see on:\n" + "\n".join(weak)
