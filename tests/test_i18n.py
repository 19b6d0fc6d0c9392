import datetime
import re

import pytest
from django.conf import settings

from mobility.catalogue.models import DocumentType
from mobility.guests.models import AccessLink, GuestRole
from mobility.guests.services import links as guests
from mobility.mobilities.models import MobilityStatus
from mobility.site.i18n import language_name, supported, supported_or_default
from partners.accounts.models import User

from . import factories

pytestmark = pytest.mark.django_db


def test_a_logged_in_user_gets_their_preferred_language(client_of, referent_a):
    referent_a.preferred_language = "fr"
    referent_a.save(update_fields=["preferred_language"])
    response = client_of(referent_a).get("/accounts/settings/")
    assert response.context["LANGUAGE_CODE"] == "fr"


def test_switching_language_is_remembered_on_the_account(client_of, referent_a):
    client = client_of(referent_a)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    referent_a.refresh_from_db()
    assert referent_a.preferred_language == "en"


def test_an_unknown_language_falls_back_to_english_without_error(client):
    client.cookies["mobility_language"] = "xx"
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="xx")
    assert response.status_code == 200
    assert response.context["LANGUAGE_CODE"] == "en"


def test_an_unknown_language_in_the_switcher_is_ignored(client):
    response = client.post("/i18n/setlang/", {"language": "klingon", "next": "/accounts/login/"})
    assert response.status_code == 302


# --- Unknown language codes: English, never an error -----------------------------------------
@pytest.mark.parametrize(
    ("code", "expected"),
    [("de", "de"), ("DE", "de"), ("de-AT", "de"), ("de_AT", "de"), (" fr ", "fr"), ("it-CH", "it")],
)
def test_a_supported_code_is_reduced_to_its_language(code, expected):
    assert supported(code) == supported_or_default(code) == expected


@pytest.mark.parametrize("code", [None, "", "xx", "pt", "klingon", "zh-hans", "-", "e", 42, ["de"]])
def test_an_unknown_code_falls_back_to_english(code):
    assert supported(code) is None
    assert supported_or_default(code) == "en"


def test_the_name_of_an_unknown_language_is_its_code_not_an_error():
    assert language_name("xx-YY") == "xx-YY"
    assert language_name("pt", local=True) == "Português"
    assert language_name("") == ""


def _lang_attribute(response) -> str:
    return re.search(rb'<html lang="([^"]*)"', response.content).group(1).decode()


def test_an_unknown_lang_parameter_shows_the_page_in_english(client):
    response = client.get("/accounts/login/?lang=xx", HTTP_ACCEPT_LANGUAGE="xx-YY")
    assert response.status_code == 200
    assert _lang_attribute(response) == "en"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_lang_parameter_switches_the_page_and_is_remembered(client):
    response = client.get("/accounts/login/?lang=de-AT", HTTP_ACCEPT_LANGUAGE="fr")
    assert _lang_attribute(response) == "de"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert _lang_attribute(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")) == "de"


def test_a_language_the_platform_lacks_in_the_browser_gives_english(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="pt-BR, xx;q=0.8, tlh;q=0.5")
    assert response.status_code == 200
    assert _lang_attribute(response) == "en"


def test_an_unknown_preferred_language_on_the_account_gives_english(client_of, referent_a):
    User.objects.filter(pk=referent_a.pk).update(preferred_language="xx")  # written outside the forms
    response = client_of(referent_a).get("/", HTTP_ACCEPT_LANGUAGE="xx")
    assert response.status_code == 200
    assert _lang_attribute(response) == "en"


def test_an_unknown_language_cookie_leaves_the_accounts_language(client_of, referent_a):
    referent_a.preferred_language = "it"
    referent_a.save(update_fields=["preferred_language"])
    client = client_of(referent_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert _lang_attribute(client.get("/")) == "it"


@pytest.fixture
def placement(centre_a):
    tutor = factories.ContactFactory(
        organisation=factories.HostCompanyFactory(), email="tutor@host.example", preferred_language="de"
    )
    return factories.MobilityFactory(
        participant=factories.LearnerFactory(centre=centre_a),
        host_organisation=tutor.organisation,
        host_tutor=tutor,
        status=MobilityStatus.IN_PROGRESS,
        planned_start=datetime.date(2026, 3, 2),
        planned_end=datetime.date(2026, 3, 27),
    )


def _link_with_language(placement, referent, language) -> str:
    link = guests.access_link_invite(mobility=placement, role=GuestRole.TUTOR, acting_user=referent)
    AccessLink.objects.filter(pk=link.pk).update(language=language)  # e.g. a row older than the rule
    return guests.issue_link_url(link.pk).removeprefix(settings.SITE_URL)


def test_an_invitation_in_an_unknown_language_opens_in_english(client, placement, referent_a):
    response = client.get(_link_with_language(placement, referent_a, "xx"), HTTP_ACCEPT_LANGUAGE="xx")
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="xx")
    assert page.status_code == 200
    assert _lang_attribute(page) == "en"


def test_a_dead_link_in_an_unknown_language_explains_itself_in_english(client, placement, referent_a):
    address = _link_with_language(placement, referent_a, "xx")
    response = client.get(address[:-4])  # the end was cut off by a mail program
    assert response.status_code == 404
    assert _lang_attribute(response) == "en"
    assert b"This link is incomplete or out of date" in response.content


def test_a_learner_with_an_unknown_preferred_language_still_has_a_page(client_of, referent_a, centre_a):
    learner = factories.LearnerFactory(centre=centre_a, preferred_language="xx")
    response = client_of(referent_a).get(f"/learners/{learner.pk}/")
    assert response.status_code == 200
    assert b"<dd>Xx</dd>" in response.content  # the code as it is, capitalised like language names


def test_a_blank_translation_of_a_catalogue_label_shows_the_name(db):
    kind = DocumentType.objects.create(
        code="visa", name="Visa", name_translations={"de": "  ", "fr": "Visa (FR)"}
    )
    assert kind.label_in("de") == "Visa"
    assert kind.label_in("fr-BE") == "Visa (FR)"
    assert kind.label_in("xx") == "Visa"


# --- Names of languages: in the reader's language, never left in English ---------------------
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Norvégien bokmål"),
        ("de", "Norwegisch (Bokmål)"),
        ("es", "Bokmål noruego"),
        ("it", "Norvegese Bokmål"),
    ],
)
def test_a_language_django_spells_differently_is_still_translated(language, expected):
    """LANG_INFO says "Norwegian Bokmal", Django's catalogues translate "Norwegian Bokmål"."""
    from django.utils import translation

    from mobility.evaluations.services.evaluation import language_choices

    with translation.override(language):
        # In a sentence, lower case where the reader's language writes it so ("en anglais").
        assert language_name("nb") == (expected if language == "de" else expected[0].lower() + expected[1:])
        assert dict(language_choices())["nb"] == expected


def test_no_language_of_the_skills_grid_is_named_in_english_on_a_german_page():
    from django.conf.locale import LANG_INFO
    from django.utils import translation

    from mobility.evaluations.services.evaluation import language_choices

    with translation.override("de"):
        english = [name for code, name in language_choices() if name == LANG_INFO[code]["name"]]
    assert english == []


def test_a_learners_language_is_named_in_the_readers_language(client_of, referent_a, centre_a):
    learner = factories.LearnerFactory(centre=centre_a, preferred_language="de")
    response = client_of(referent_a).get(f"/learners/{learner.pk}/", {"lang": "fr"})
    assert b"<dd>Allemand</dd>" in response.content
    assert b"Deutsch</dd>" not in response.content


def test_a_tutors_language_is_named_in_the_readers_language(client_of, referent_a, placement):
    response = client_of(referent_a).get(f"/mobilities/{placement.pk}/", {"lang": "fr"})
    assert response.status_code == 200
    assert "écrit en allemand" in response.content.decode()


# --- ?lang= on a page with a form in the address ----------------------------------------------
def test_the_certificate_lookup_opened_in_another_language_shows_no_error(client):
    response = client.get("/verify/", {"lang": "de"})
    assert response.status_code == 200
    assert _lang_attribute(response) == "de"
    assert not response.context["form"].is_bound
    assert b'aria-invalid="true"' not in response.content


def test_the_certificate_lookup_sent_empty_still_says_what_is_missing(client):
    response = client.get("/verify/", {"number": "", "lang": "de"})
    assert response.status_code == 200
    assert response.context["form"].errors["number"]


# --- Seeded catalogues: activity types, document types, checklist tasks -------------------------
@pytest.mark.parametrize("model", ["DocumentType", "ActivityType", "ChecklistTemplateItem"])
def test_every_seeded_catalogue_row_is_translated_in_every_language(model):
    from mobility.catalogue import models

    rows = list(getattr(models, model).objects.all())
    assert rows, f"no {model} seeded by the migrations"
    missing = [
        f"{row.name!r} in {code}"
        for row in rows
        for code, _name in settings.LANGUAGES
        if code != "en" and row.label_in(code) == row.name
    ]
    assert missing == [], f"{model} left in English: {missing}"


# --- Nothing shows "None" where a person's name goes ----------------------------------------------
@pytest.mark.parametrize(
    ("status", "sentence"), [("validated", "Validated on"), ("returned", "Sent back to the tutor on")]
)
def test_a_review_by_a_since_deleted_account_names_nobody(client_of, referent_a, centre_a, status, sentence):
    from django.utils import timezone

    from tests.certification.factories import evaluated_mobility

    mobility = evaluated_mobility(centre=centre_a)
    mobility.evaluations.update(
        status=status, reviewed_at=timezone.now(), reviewed_by=None, review_comment="Merci."
    )
    response = client_of(referent_a).get(f"/mobilities/{mobility.pk}/evaluation/", {"lang": "en"})
    assert response.status_code == 200
    text = response.content.decode()
    assert sentence in text
    assert "None" not in text


# --- dates and agreement in the reader's language ---------------------------------------------
@pytest.mark.parametrize(
    ("language", "day", "expected"),
    [
        ("fr", 1, "1er janvier 2027"),
        ("fr", 2, "2 janvier 2027"),
        ("de", 1, "1. Januar 2027"),
        ("en", 1, "Jan. 1, 2027"),
    ],
)
def test_the_first_day_of_a_month_is_written_as_the_language_writes_it(language, day, expected):
    from django.template import Context, Template
    from django.utils import translation

    with translation.override(language):
        text = Template('{{ d|date:"DATE_FORMAT" }}|{{ d|date }}').render(
            Context({"d": datetime.date(2027, 1, day)})
        )
    assert text == f"{expected}|{expected}"


def test_an_escaped_day_letter_keeps_its_meaning():
    from django.utils import translation

    from partners.dates import date_format

    with translation.override("fr"):
        assert date_format(datetime.date(2027, 3, 1), r"\j j F") == "j 1er mars"
        assert date_format(datetime.date(2027, 3, 1), "d/m/Y") == "01/03/2027"


def test_a_mobility_starting_on_the_first_reads_1er_in_french(client_of, referent_a, placement):
    placement.planned_start = datetime.date(2026, 3, 1)
    placement.save(update_fields=["planned_start"])
    response = client_of(referent_a).get(f"/mobilities/{placement.pk}/", {"lang": "fr"})
    assert "1er mars 2026" in response.content.decode()


def test_an_agreements_history_agrees_with_its_gender_in_french(client_of, referent_a, centre_a):
    from partners.agreements import services as agreement_services

    agreement = factories.AgreementFactory(owner_centre=centre_a)
    agreement_services.agreement_update(
        agreement=agreement, data={"scope": "CAP Pâtissier"}, acting_user=referent_a
    )
    response = client_of(referent_a).get(f"/partners/agreements/{agreement.pk}/history/", {"lang": "fr"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "modifiée" in text
    assert "modifié " not in text and "modifié<" not in text


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES if code != "en"])
def test_month_and_day_names_are_djangos_own_whatever_our_catalogue_holds(language):
    """A message of ours spelt like a month ("May" for a token's permissions) must never rename the
    month: every month and weekday is written as Django's own catalogue writes it."""
    import gettext
    from pathlib import Path

    import django
    from django.utils import translation

    from partners.dates import date_format

    theirs = gettext.translation(
        "django", Path(django.__file__).parent / "conf" / "locale", languages=[language]
    )
    with translation.override(language):
        for month in range(1, 13):
            day = datetime.date(2026, month, 16)
            english = day.strftime("%B")
            assert date_format(day, "F") == theirs.gettext(english), (language, english)
            assert date_format(day, "l") == theirs.gettext(day.strftime("%A")), (language, day)
