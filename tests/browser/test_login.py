import re

import pytest
from playwright.sync_api import Page, expect

from partners.demo import seed as demo

from ..text import translated

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_demo_referent_logs_in_through_the_login_page_and_sees_the_dashboard(page: Page, live_server):
    demo.seed({})
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Courriel").fill("referent@montclar.example")
    page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name=translated("Log in", "fr")).click()
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Camille")
    expect(page.locator(".header-org")).to_contain_text("CFA Montclar")


def test_a_wrong_password_shows_a_message_and_no_dashboard(page: Page, live_server):
    demo.seed({})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Courriel").fill("referent@montclar.example")
    page.get_by_label("Mot de passe").fill("not-the-password")
    page.get_by_role("button", name=translated("Log in", "fr")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_french_pages_say_nothing_in_english_after_sign_in_and_name_june_and_july_apart(browser, live_server):
    """An English browser, a French account: no "Successfully signed in" left in English; the
    timeline tells June from July; a language inside a sentence is written in lower case."""
    import datetime

    from django.utils import translation

    from mobility.site.i18n import language_name

    demo.seed({})
    context = browser.new_context(locale="en-GB", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/?lang=fr")
    page.get_by_label("Courriel").fill("referent@montclar.example")
    page.get_by_label("Mot de passe").fill(demo.DEMO_PASSWORD)
    page.get_by_role("button", name=translated("Log in", "fr")).click()
    expect(page).to_have_url(f"{live_server.url}/")
    assert "Successfully signed in" not in page.content()
    year = datetime.date.today().year
    page.goto(f"{live_server.url}/timeline/?start={year}-05&months=6")
    months = page.locator(".timeline__month").all_inner_texts()
    assert len(set(months)) == len(months) == 6, months
    assert any(m.lower().startswith("juin") for m in months) and any(
        m.lower().startswith("juil") for m in months
    )
    context.close()
    with translation.override("fr"):
        assert language_name("en") == "anglais"
    with translation.override("de"):
        assert language_name("en") == "Englisch"
