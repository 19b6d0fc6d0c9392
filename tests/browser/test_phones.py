"""Tutors and learners on a 360 px phone: nothing scrolls sideways, every control is big enough for a
thumb (44 × 44 px). Each page is also photographed at phone and desktop sizes under
test-results/phones/, to be looked at.

German is the test language for tutors: its long compound words are the first to break a layout.
"""

import pytest
from playwright.sync_api import Browser, Page, expect

from certification.services import jobs as certificates
from mobility.guests.models import GuestRole
from mobility.mobilities.models import MobilityStatus

from .support import (
    DESKTOP,
    PHONE,
    horizontal_overflow,
    log_in,
    open_page,
    overlapping_parts,
    personal_link,
    screenshot,
    small_touch_targets,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(browser: Browser, language: str) -> Page:
    context = browser.new_context(
        viewport=PHONE, locale=language, is_mobile=True, has_touch=True, device_scale_factor=2
    )
    return context.new_page()


def _walk(browser: Browser, link: str, pages: list[tuple[str, str]], language: str, who: str) -> None:
    """Each page on a phone (checked and photographed), then on a desktop (photographed)."""
    phone = _phone(browser, language)
    phone.goto(link)  # the personal link opens the session; ?lang= then sets the language
    base = phone.url.split("/guest/")[0]
    problems = []
    for name, path in pages:
        open_page(phone, f"{base}{path}?lang={language}")
        problems += [f"{name}: {line}" for line in horizontal_overflow(phone)]
        problems += [f"{name}: {target} is too small to tap" for target in small_touch_targets(phone)]
        screenshot(phone, f"phones/{who}-{name}-phone")
    desktop = phone.context.browser.new_context(viewport=DESKTOP, locale=language)
    desktop.add_cookies(phone.context.cookies())
    page = desktop.new_page()
    for name, path in pages:
        open_page(page, f"{base}{path}")
        screenshot(page, f"phones/{who}-{name}-desktop")
    desktop.close()
    phone.context.close()
    assert not problems, "\n".join(problems)


def test_the_tutors_pages_fit_a_phone(browser: Browser, world):
    w = world
    link = personal_link(mobility=w.mobility, role=GuestRole.TUTOR, referent=w.referent)
    pk = w.mobility.pk
    _walk(
        browser,
        link,
        [
            ("home", f"/guest/{pk}/"),
            ("confirm", f"/guest/{pk}/confirm/"),
            ("agreement", f"/guest/{pk}/agreement/"),
            ("follow-ups", f"/guest/{pk}/follow-ups/"),
            ("evaluation", f"/guest/{pk}/evaluation/"),
        ],
        "de",
        "tutor",
    )


def test_the_tutors_evaluation_with_missing_parts_fits_a_phone(browser: Browser, world):
    w = world
    page = _phone(browser, "de")
    page.goto(personal_link(mobility=w.mobility, role=GuestRole.TUTOR, referent=w.referent))
    page.goto(f"{page.url.split('/guest/')[0]}/guest/{w.mobility.pk}/evaluation/?lang=de")
    page.locator("button[name=action][value=submit]").click()
    expect(page.locator("#missing")).to_be_visible()
    assert horizontal_overflow(page) == []
    assert small_touch_targets(page) == []
    screenshot(page, "phones/tutor-evaluation-missing-parts-phone")
    page.context.close()


def test_a_submitted_evaluation_fits_a_phone(browser: Browser, world):
    """The read-only evaluation, as the tutor sees it after submitting (and prints it)."""
    w = world
    link = personal_link(mobility=w.evaluated, role=GuestRole.TUTOR, referent=w.referent)
    _walk(
        browser, link, [("submitted-evaluation", f"/guest/{w.evaluated.pk}/evaluation/view/")], "de", "tutor"
    )


def test_the_learners_pages_fit_a_phone(browser: Browser, world):
    w = world
    link = personal_link(mobility=w.mobility, role=GuestRole.LEARNER, referent=w.referent)
    pk = w.mobility.pk
    _walk(
        browser,
        link,
        [
            ("home", f"/guest/{pk}/"),
            ("agreement", f"/guest/{pk}/agreement/"),
            ("documents", f"/guest/{pk}/documents/"),
            ("self-assessment", f"/guest/{pk}/evaluation/"),
        ],
        "fr",
        "learner",
    )


_SQUEEZED_TABLES_JS = """
() => [...document.querySelectorAll('main .table-wrap')]
  .filter((box) => box.scrollWidth > box.clientWidth + 1)
  .map((box) => (box.querySelector('caption')?.innerText || box.innerText).trim().split('\\n')[0].slice(0, 40))
"""


@pytest.mark.parametrize("language", ["fr", "de"])
def test_the_referents_main_pages_do_not_scroll_sideways_on_a_phone(
    browser: Browser, live_server, world, language
):
    """Referents mostly work on a desktop, but a phone must not hide half of a page: nothing wider
    than the screen (German headings are single long words), and lists shown as one card per row
    rather than a table to scroll sideways."""
    w = world
    certificates.agreement_pdf_request(agreement=w.agreement, acting_user=w.referent)  # a row in Documents
    # Back from abroad, the tutor's evaluation awaited: a row with a long name and a long badge.
    type(w.mobility).objects.filter(pk=w.mobility.pk).update(status=MobilityStatus.COMPLETED)
    page = _phone(browser, language)
    log_in(page.context, live_server, w.referent)
    problems = []
    for name, path, is_list in [
        ("dashboard", "/", False),
        ("learners", "/learners/", True),
        ("learner", f"/learners/{w.learner.pk}/", False),
        ("mobilities", "/mobilities/", True),
        ("mobility", f"/mobilities/{w.mobility.pk}/", False),
        ("groups", "/groups/", True),
        ("projects", "/projects/", True),
        ("partners", "/partners/", True),
        ("partnership agreements", "/partners/agreements/", True),
        ("documents", "/documents/", True),
        ("exports", "/data/exports/", True),
        ("imports", "/data/imports/", True),
        ("reports", "/data/reports/", False),
    ]:
        open_page(page, f"{live_server.url}{path}?lang={language}")
        problems += [f"{name}: {line}" for line in horizontal_overflow(page)]
        problems += [f"{name}: {overlap}" for overlap in overlapping_parts(page, "main .dash-list > li")]
        if is_list:
            problems += [
                f"{name}: the table {t!r} scrolls sideways" for t in page.evaluate(_SQUEEZED_TABLES_JS)
            ]
        screenshot(page, f"phones/referent-{name}-{language}-phone")
    page.context.close()
    assert not problems, "\n".join(problems)
