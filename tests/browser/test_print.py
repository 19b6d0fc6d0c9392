"""Printing (print stylesheet): evaluations, learning agreements and the mobility page come out on A4
with their content only — no navigation, no buttons, no empty frames, nothing cut off — and with
dates written the way the reader's language writes them. The PDFs and screenshots are kept under
test-results/print/ to be looked at.
"""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from mobility.guests.models import GuestRole

from .support import log_in, open_page, personal_link, print_problems, printed_text, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NUMERIC_DATE = re.compile(r"\b\d{2}/\d{2}/\d{4}\b")


def _guest(browser: Browser, mobility, role: str, referent, path: str, language: str) -> Page:
    page = browser.new_context(locale=language).new_page()
    page.goto(personal_link(mobility=mobility, role=role, referent=referent))
    open_page(page, f"{page.url.split('/guest/')[0]}/guest/{mobility.pk}/{path}?lang={language}")
    return page


def test_a_submitted_evaluation_prints_with_a_box_to_sign_and_stamp(browser: Browser, world):
    page = _guest(browser, world.evaluated, GuestRole.TUTOR, world.referent, "evaluation/view/", "fr")
    assert print_problems(page) == []
    expect(page.locator(".signature-box")).to_be_visible()
    screenshot(page, "print/tutor-evaluation")
    text, pages = printed_text(page, "tutor-evaluation")
    assert "Réaliser une fournée de pains de campagne" in text  # the outcomes
    assert "Signature et cachet de l'organisme d'accueil" in text
    assert "2 mars 2026" in text  # attendance, in French
    for screen_only in ("Imprimer", "Quitter", "Aperçu du stage", "Confidentialité"):
        assert screen_only not in text
    assert pages <= 3
    page.context.close()


def test_the_referents_copy_of_an_evaluation_prints_without_the_review_form(page: Page, live_server, world):
    log_in(page.context, live_server, world.referent, language="fr")
    open_page(page, f"{live_server.url}/mobilities/{world.evaluated.pk}/evaluation/")
    expect(page.get_by_role("button", name="Valider l'évaluation")).to_be_visible()
    assert print_problems(page) == []
    screenshot(page, "print/review")
    text, _pages = printed_text(page, "review")
    assert "Réaliser une fournée de pains de campagne" in text
    assert "Valider l'évaluation" not in text and "Tableau de bord" not in text


@pytest.mark.parametrize(
    ("language", "start"), [("fr", "2 mars 2026"), ("de", "2. März 2026"), ("en", "March 2, 2026")]
)
def test_the_learning_agreement_prints_with_dates_in_the_readers_language(
    page: Page, live_server, world, language, start
):
    log_in(page.context, live_server, world.referent, language=language)
    open_page(page, f"{live_server.url}/agreements/{world.agreement.pk}/")
    assert print_problems(page) == []
    screenshot(page, f"print/agreement-{language}")
    text, pages = printed_text(page, f"agreement-{language}")
    assert start in text
    assert not NUMERIC_DATE.search(text), NUMERIC_DATE.search(text).group(0)
    assert "Pétrir une pâte à pain en suivant la fiche technique" in text
    assert pages <= 2


def test_the_tutors_copy_of_the_learning_agreement_prints_cleanly(browser: Browser, world):
    page = _guest(browser, world.mobility, GuestRole.TUTOR, world.referent, "agreement/", "es")
    assert print_problems(page) == []
    screenshot(page, "print/tutor-agreement")
    text, _pages = printed_text(page, "tutor-agreement")
    assert "Pétrir une pâte à pain" in text or "Découvrir la boulangerie" in text
    page.context.close()


def test_the_mobility_page_prints_cleanly(page: Page, live_server, world):
    log_in(page.context, live_server, world.referent, language="fr")
    open_page(page, f"{live_server.url}/mobilities/{world.mobility.pk}/")
    expect(page.get_by_role("button", name="Imprimer")).to_be_visible()
    assert print_problems(page) == []
    screenshot(page, "print/mobility")
    text, pages = printed_text(page, "mobility")
    for section in (
        "La mobilité",
        "Contrat pédagogique",
        "Liste de contrôle",
        "Suivis",
        "Documents",
        "Historique",
    ):
        assert section in text
    assert "2 mars 2026" in text
    assert not NUMERIC_DATE.search(text), NUMERIC_DATE.search(text).group(0)
    for screen_only in ("Tableau de bord", "Marquer comme", "Imprimer", "Modifier", "Aller au contenu"):
        assert screen_only not in text
    assert pages <= 6
