"""The columns of imported and exported spreadsheets, declared with django-import-export.

Each resource lists its columns (``Column``: attribute, header, widget, whether required, other
names a spreadsheet may use for it, an example value). The import pages, the command line and the
templates read these declarations; the widgets turn a cell into a Python value or raise
``ValueError`` with a message that a person understands, in their language.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries
from import_export import fields, resources, widgets

from mobility.catalogue.models import ParticipantKind
from mobility.data.imports.parsing import normalise_header
from mobility.learners.models import Learner, Sex
from mobility.mobilities.models import Direction, DistanceBand, Mobility
from partners.directory.models import ORGANISATION_DETAILS, NaceSection, Organisation, OrganisationKind

#: Languages whose words are understood in cells and headers (the interface languages and more).
CELL_LANGUAGES = ("en", "fr", "de", "es", "it")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number or id typed into a number cell of a workbook
    return str(value).strip()


# --- Widgets ----------------------------------------------------------------------------------
class TextWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = _text(value)
        # Our own CSV exports protect formula-like cells with an apostrophe: take it off again.
        if text.startswith("'") and text[1:2] in "=+-@":
            text = text[1:]
        return text


class UpperTextWidget(TextWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return re.sub(r"\s+", "", super().clean(value, row, **kwargs)).upper()


class EmailWidget(TextWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return super().clean(value, row, **kwargs).lower()


_ISO_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")

_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})")


class DateWidget(widgets.Widget):
    """Dates as people type them: 2024-12-31, 31/12/2024, 31.12.2024, 31-12-2024, or a workbook date."""

    FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y/%m/%d", "%d/%m/%y", "%d.%m.%y")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> date | None:
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            # A workbook cell holding a date serial number (days since 1899-12-30).
            if 1 <= value < 2_958_466:
                return date(1899, 12, 30) + timedelta(days=int(value))
        text = _text(value)
        text = re.sub(r"[T ]00:00(:00)?$", "", text)
        # The usual shapes, read directly (strptime is slow: it looks up the locale every call).
        match = _ISO_DATE.fullmatch(text)
        parts = (match.group(1), match.group(2), match.group(3)) if match else None
        if parts is None and (match := _DAY_FIRST.fullmatch(text)):
            year = match.group(3)
            if len(year) == 2:
                year = str(2000 + int(year) if 2000 + int(year) <= date.today().year else 1900 + int(year))
            parts = (year, match.group(2), match.group(1))
        if parts is not None:
            try:
                return date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                pass
        else:
            for fmt in self.FORMATS:
                try:
                    return datetime.strptime(text, fmt).date()
                except ValueError:
                    continue
        if re.fullmatch(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}", text):
            raise ValueError(
                _(
                    "“%(value)s” is not a valid date: no such day, or the month and day are swapped (write 31/12/2024)."
                )
                % {"value": text}
            )
        raise ValueError(
            _("“%(value)s” is not a date: write it as 31/12/2024 or 2024-12-31.") % {"value": text}
        )

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return value.isoformat() if value else ""


YES = {"yes", "y", "true", "1", "x", "oui", "o", "vrai", "ja", "j", "si", "sí", "s", "wahr"}

NO = {"no", "n", "false", "0", "non", "faux", "nein", "falsch", "-"}


class YesNoWidget(widgets.Widget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool | None:
        if isinstance(value, bool):
            return value
        text = _text(value).lower()
        if text == "":
            return None
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(_("“%(value)s” is neither yes nor no.") % {"value": _text(value)})

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return "" if value is None else (_("yes") if value else _("no"))


class IntegerWidget(widgets.Widget):
    def __init__(self, minimum: int | None = None, maximum: int | None = None):
        super().__init__()
        self.minimum, self.maximum = minimum, maximum

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        text = _text(value)
        if text == "":
            return None
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation as exc:
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text}) from exc
        if number != number.to_integral_value():
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
        result = int(number)
        if self.minimum is not None and result < self.minimum:
            raise ValueError(
                _("%(value)s is below the minimum of %(min)s.") % {"value": result, "min": self.minimum}
            )
        if self.maximum is not None and result > self.maximum:
            raise ValueError(
                _("%(value)s is above the maximum of %(max)s.") % {"value": result, "max": self.maximum}
            )
        return result


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for language in CELL_LANGUAGES:
        with translation.override(language):
            for code, name in countries:
                names.setdefault(normalise_header(name), code)
    for code, _name in countries:
        names.setdefault(normalise_header(code), code)
        alpha3 = countries.alpha3(code)
        if alpha3:
            names.setdefault(normalise_header(alpha3), code)
    names.update({"uk": "GB", "great britain": "GB", "england": "GB", "usa": "US", "holland": "NL"})
    return names


class CountryWidget(widgets.Widget):
    """A country by its code (ES, ESP) or its name in English, French, German, Spanish or Italian."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = _text(value)
        if not text:
            return ""
        code = _country_names().get(normalise_header(text))
        if code is None:
            raise ValueError(
                _("Unknown country “%(value)s”: write its two-letter code (ES for Spain) or its name.")
                % {"value": text}
            )
        return code

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(value or "")


class ChoiceWidget(widgets.Widget):
    """One value of a list: its code, its label in any interface language, or a listed synonym."""

    def __init__(self, choices: Any, synonyms: dict[str, str] | None = None):
        super().__init__()
        self.choices = choices
        self.synonyms = {normalise_header(k): v for k, v in (synonyms or {}).items()}

    def lookup(self) -> dict[str, str]:
        cached = getattr(self, "_table", None)
        if cached is not None:
            return cached
        table: dict[str, str] = {}
        for language in CELL_LANGUAGES:
            with translation.override(language):
                for value, label in self.choices.choices:
                    table.setdefault(normalise_header(label), value)
        for value, _label in self.choices.choices:
            table.setdefault(normalise_header(value), value)
        table.update(self.synonyms)
        self._table = table
        return table

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = _text(value)
        if not text:
            return ""
        found = self.lookup().get(normalise_header(text))
        if found is None:
            allowed = ", ".join(str(label) for _value, label in self.choices.choices)
            raise ValueError(
                _("“%(value)s” is not one of: %(allowed)s.") % {"value": text, "allowed": allowed}
            )
        return found

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(value or "")


class LanguageWidget(widgets.Widget):
    """A two-letter language code (fr, en, es…)."""

    NAMES = {
        "francais": "fr", "french": "fr", "anglais": "en", "english": "en", "espagnol": "es",
        "spanish": "es", "allemand": "de", "german": "de", "deutsch": "de", "italien": "it",
        "italian": "it", "portugais": "pt", "portuguese": "pt", "neerlandais": "nl", "dutch": "nl",
        "polonais": "pl", "polish": "pl",
    }  # fmt: skip

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = normalise_header(_text(value))
        if not text:
            return ""
        text = self.NAMES.get(text, text)
        if not re.fullmatch(r"[a-z]{2}", text):
            raise ValueError(
                _("“%(value)s” is not a language code: write two letters, such as fr, en or es.")
                % {"value": _text(value)}
            )
        return text


class LanguageListWidget(LanguageWidget):
    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[str]:
        parts = [p for p in re.split(r"[,;/ ]+", _text(value)) if p]
        return [LanguageWidget.clean(self, p) for p in parts]


# --- Columns ----------------------------------------------------------------------------------
class Column(fields.Field):
    """A spreadsheet column: django-import-export's field plus what an import page needs to say."""

    def __init__(
        self,
        key: str,
        label: Any,
        widget: widgets.Widget | None = None,
        *,
        attribute: str | None = None,
        required: bool = False,
        aliases: tuple[str, ...] = (),
        example: Any = "",
        help_text: Any = "",
    ):
        super().__init__(attribute=attribute or key, column_name=key, widget=widget or TextWidget())
        self.key = key
        self.label = label
        self.required = required
        self.aliases = aliases
        self.example = example
        self.help_text = help_text

    def names(self) -> set[str]:
        """Every normalised header under which this column is recognised."""
        found = {normalise_header(self.key), *(normalise_header(a) for a in self.aliases)}
        for language in {*CELL_LANGUAGES, *(code for code, _name in settings.LANGUAGES)}:
            with translation.override(language):
                found.add(normalise_header(str(self.label)))
        return found


def columns_of(resource_class: type[resources.Resource]) -> list[Column]:
    return [f for f in resource_class().fields.values() if isinstance(f, Column)]


# Sex, kinds and directions: what school systems and people write, in several languages.
SEX_SYNONYMS = {
    "f": "F", "femme": "F", "feminin": "F", "fille": "F", "w": "F", "weiblich": "F", "mujer": "F",
    "donna": "F", "female": "F", "m": "M", "h": "M", "homme": "M", "masculin": "M", "garcon": "M",
    "mannlich": "M", "hombre": "M", "uomo": "M", "male": "M", "x": "X", "autre": "X", "divers": "X",
    "other": "X", "non binaire": "X", "1": "M", "2": "F",
}  # fmt: skip

KIND_SYNONYMS = {"apprenti": "learner", "apprentie": "learner", "eleve": "learner", "personnel": "staff",
                 "formateur": "staff", "formatrice": "staff", "enseignant": "staff"}  # fmt: skip

DIRECTION_SYNONYMS = {"out": "outgoing", "sortante": "outgoing", "envoi": "outgoing", "in": "incoming",
                      "entrante": "incoming", "accueil": "incoming"}  # fmt: skip

ORG_KIND_SYNONYMS = {"entreprise": "host_company", "company": "host_company", "host": "host_company",
                     "ecole": "partner_school", "school": "partner_school", "employeur": "sending_employer",
                     "intermediaire": "intermediary"}  # fmt: skip


class LearnerResource(resources.ModelResource):
    """Learners of one centre, as a school information system exports them."""

    national_id = Column(
        "national_id", gettext_lazy("National learner id"), UpperTextWidget(),
        aliases=("ine", "id national", "identifiant national", "numero ine", "student id"),
        example="071234567AB",
        help_text=gettext_lazy("INE in France. With the e-mail, it finds the learner again on the next import."),
    )  # fmt: skip
    last_name = Column("last_name", gettext_lazy("Last name"), required=True,
                       aliases=("nom", "nom de famille", "surname", "family name", "nachname", "apellido"),
                       example="Martin")  # fmt: skip
    first_name = Column("first_name", gettext_lazy("First name(s)"), required=True,
                        aliases=("prenom", "prenoms", "first name", "given name", "vorname", "nombre"),
                        example="Léa")  # fmt: skip
    date_of_birth = Column("date_of_birth", gettext_lazy("Date of birth"), DateWidget(),
                           aliases=("date de naissance", "ne e le", "nee le", "ne le", "naissance", "birth date",
                                    "dob", "geburtsdatum"),
                           example="17/05/2007")  # fmt: skip
    sex = Column("sex", gettext_lazy("Sex"), ChoiceWidget(Sex, SEX_SYNONYMS),
                 aliases=("sexe", "genre", "gender", "geschlecht"), example="F",
                 help_text=gettext_lazy("F, M or X; empty when not recorded."))  # fmt: skip
    email = Column("email", gettext_lazy("E-mail"), EmailWidget(),
                   aliases=("mail", "courriel", "adresse mail", "e mail", "email address"),
                   example="lea.martin@apprentis.example")  # fmt: skip
    phone = Column("phone", gettext_lazy("Phone"), aliases=("telephone", "tel", "portable", "mobile"),
                   example="+33 6 12 34 56 78")  # fmt: skip
    nationality = Column("nationality", gettext_lazy("Nationality"), CountryWidget(),
                         aliases=("nationalite", "citizenship", "staatsangehorigkeit"), example="FR")  # fmt: skip
    preferred_language = Column("preferred_language", gettext_lazy("Preferred language"), LanguageWidget(),
                                aliases=("langue", "language"), example="fr")  # fmt: skip
    kind = Column("kind", gettext_lazy("Participant"), ChoiceWidget(ParticipantKind, KIND_SYNONYMS),
                  aliases=("type", "statut", "kind"), example="learner",
                  help_text=gettext_lazy("Learner (default) or staff member."))  # fmt: skip
    qualification = Column("qualification", gettext_lazy("Qualification code"),
                           aliases=("code diplome", "diplome", "code formation", "qualification"),
                           example="CAP-BOULANGER",
                           help_text=gettext_lazy("The code of a qualification of the catalogue."))  # fmt: skip
    trade = Column(
        "trade", gettext_lazy("Trade"), aliases=("metier", "beruf", "oficio"), example="Boulangerie"
    )
    training_year = Column("training_year", gettext_lazy("Year of training"), IntegerWidget(1, 5),
                           aliases=("annee", "annee de formation", "niveau"), example="1")  # fmt: skip
    position = Column("position", gettext_lazy("Position (staff)"), aliases=("fonction", "poste"))
    employer_name = Column("employer_name", gettext_lazy("Sending employer"), attribute="employer__name",
                           aliases=("employeur", "entreprise", "maitre d apprentissage entreprise", "employer"),
                           example="Boulangerie du Pont")  # fmt: skip
    employer_national_id = Column("employer_national_id", gettext_lazy("Employer SIRET or VAT number"),
                                  UpperTextWidget(), attribute="employer__national_id",
                                  aliases=("siret", "siret employeur", "tva employeur", "employer vat"),
                                  example="12345678900012")  # fmt: skip
    employer_city = Column("employer_city", gettext_lazy("Employer city"), attribute="employer__city",
                           aliases=("ville employeur", "commune employeur"), example="Montclar")  # fmt: skip
    fewer_opportunities = Column("fewer_opportunities", gettext_lazy("Fewer opportunities"), YesNoWidget(),
                                 aliases=("moins d opportunites", "fewer opportunities", "public eloigne"),
                                 example="no")  # fmt: skip
    needs_adaptation = Column("needs_adaptation", gettext_lazy("Needs an adaptation"), YesNoWidget(),
                              aliases=("besoin d adaptation", "amenagement"), example="no",
                              help_text=gettext_lazy("Yes or no only: never a health detail."))  # fmt: skip
    is_recent_graduate = Column("is_recent_graduate", gettext_lazy("Recent graduate"), YesNoWidget(),
                                aliases=("jeune diplome", "recent graduate"), example="no")  # fmt: skip
    guardian_name = Column("guardian_name", gettext_lazy("Guardian's name"),
                           aliases=("responsable legal", "representant legal", "nom du responsable legal"),
                           example="Sophie Martin")  # fmt: skip
    guardian_email = Column("guardian_email", gettext_lazy("Guardian's e-mail"), EmailWidget(),
                            aliases=("mail responsable legal", "courriel responsable legal"),
                            example="sophie.martin@famille.example")  # fmt: skip
    guardian_phone = Column("guardian_phone", gettext_lazy("Guardian's phone"),
                            aliases=("telephone responsable legal",), example="+33 6 98 76 54 32")  # fmt: skip

    class Meta:
        model = Learner
        fields = (
            "national_id",
            "last_name",
            "first_name",
            "date_of_birth",
            "sex",
            "email",
            "phone",
            "nationality",
            "preferred_language",
            "kind",
            "qualification",
            "trade",
            "training_year",
            "position",
            "employer_name",
            "employer_national_id",
            "employer_city",
            "fewer_opportunities",
            "needs_adaptation",
            "is_recent_graduate",
            "guardian_name",
            "guardian_email",
            "guardian_phone",
        )
        import_id_fields: tuple[str, ...] = ()


class OrganisationResource(resources.ModelResource):
    """Host companies (and partner schools, intermediaries), one row per tutor."""

    name = Column("name", gettext_lazy("Legal name"), required=True,
                  aliases=("raison sociale", "nom", "entreprise", "organisation", "company", "firma", "empresa"),
                  example="Panadería Ejemplo S.L.")  # fmt: skip
    short_name = Column("short_name", gettext_lazy("Usual name"), aliases=("nom usuel", "enseigne"))
    kind = Column("kind", gettext_lazy("Kind"), ChoiceWidget(OrganisationKind, ORG_KIND_SYNONYMS),
                  aliases=("type",), example="host_company",
                  help_text=gettext_lazy("Host company (default), partner school, intermediary organisation."))  # fmt: skip
    country = Column("country", gettext_lazy("Country"), CountryWidget(), required=True,
                     aliases=("pays", "land", "pais", "paese"), example="ES")  # fmt: skip
    city = Column("city", gettext_lazy("City"), required=True,
                  aliases=("ville", "commune", "stadt", "ciudad", "citta"), example="Valencia")  # fmt: skip
    postcode = Column("postcode", gettext_lazy("Postcode"), aliases=("code postal", "cp", "plz", "zip"),
                      example="46001")  # fmt: skip
    address = Column("address", gettext_lazy("Address"), aliases=("adresse", "adresse postale", "direccion"),
                     example="Calle Mayor 12")  # fmt: skip
    oid = Column("oid", gettext_lazy("Erasmus+ OID"), UpperTextWidget(), aliases=("oid", "organisation id"),
                 example="E10234567")  # fmt: skip
    pic = Column("pic", gettext_lazy("PIC"), UpperTextWidget(), example="949123456")
    national_id = Column("national_id", gettext_lazy("National id or VAT number"), UpperTextWidget(),
                         aliases=("siret", "tva", "vat", "numero de tva", "cif", "nif", "ust id"),
                         example="ESB12345678")  # fmt: skip
    sector = Column("sector", gettext_lazy("Sector (NACE)"), ChoiceWidget(NaceSection),
                    aliases=("secteur", "nace", "naf"), example="C")  # fmt: skip
    is_sme = Column("is_sme", gettext_lazy("Fewer than 250 staff"), YesNoWidget(), aliases=("pme", "sme"),
                    example="yes")  # fmt: skip
    website = Column("website", gettext_lazy("Website"), aliases=("site web", "site internet", "web"))
    email = Column("email", gettext_lazy("Contact e-mail"), EmailWidget(),
                   aliases=("mail", "courriel", "e mail"), example="info@panaderia.example")  # fmt: skip
    phone = Column("phone", gettext_lazy("Phone"), aliases=("telephone", "tel"), example="+34 961 234 567")
    tutor_first_name = Column("tutor_first_name", gettext_lazy("Tutor's first name"), attribute="",
                              aliases=("prenom tuteur", "prenom du tuteur", "tutor first name"),
                              example="Lucía")  # fmt: skip
    tutor_last_name = Column("tutor_last_name", gettext_lazy("Tutor's last name"), attribute="",
                             aliases=("nom tuteur", "nom du tuteur", "tutor last name"), example="García")  # fmt: skip
    tutor_email = Column("tutor_email", gettext_lazy("Tutor's e-mail"), EmailWidget(), attribute="",
                         aliases=("mail tuteur", "courriel tuteur", "tutor email"),
                         example="lucia.garcia@panaderia.example")  # fmt: skip
    tutor_phone = Column("tutor_phone", gettext_lazy("Tutor's phone"), attribute="",
                         aliases=("telephone tuteur",), example="+34 600 123 456")  # fmt: skip
    tutor_position = Column("tutor_position", gettext_lazy("Tutor's position"), attribute="",
                            aliases=("fonction tuteur",), example="Maestra panadera")  # fmt: skip
    tutor_languages = Column("tutor_languages", gettext_lazy("Languages the tutor speaks"), LanguageListWidget(),
                             attribute="", aliases=("langues tuteur",), example="es, en")  # fmt: skip
    tutor_language = Column("tutor_language", gettext_lazy("Tutor's preferred language"), LanguageWidget(),
                            attribute="", aliases=("langue tuteur",), example="es",
                            help_text=gettext_lazy("The language of the e-mails and pages the tutor gets."))  # fmt: skip

    class Meta:
        model = Organisation
        fields = (
            "name",
            "short_name",
            "kind",
            *ORGANISATION_DETAILS,
            "tutor_first_name",
            "tutor_last_name",
            "tutor_email",
            "tutor_phone",
            "tutor_position",
            "tutor_languages",
            "tutor_language",
        )
        import_id_fields: tuple[str, ...] = ()


class MobilityResource(resources.ModelResource):
    """Mobilities of one centre's participants."""

    reference = Column("reference", gettext_lazy("Reference"), UpperTextWidget(),
                       aliases=("reference mobilite", "mobility id"),
                       help_text=gettext_lazy("Empty for a new mobility; the platform's reference to update one."))  # fmt: skip
    participant_national_id = Column("participant_national_id", gettext_lazy("Participant's national id"),
                                     UpperTextWidget(), attribute="participant__national_id",
                                     aliases=("ine", "ine apprenti", "national learner id"),
                                     example="071234567AB")  # fmt: skip
    participant_email = Column("participant_email", gettext_lazy("Participant's e-mail"), EmailWidget(),
                               attribute="participant__email", aliases=("mail apprenti", "participant email"),
                               example="lea.martin@apprentis.example")  # fmt: skip
    activity_type = Column("activity_type", gettext_lazy("Activity"), attribute="activity_type__code",
                           required=True, aliases=("type d activite", "activite", "activity type"),
                           example="vet-short-term",
                           help_text=gettext_lazy("The code or the name of an activity type of the catalogue."))  # fmt: skip
    direction = Column("direction", gettext_lazy("Direction"), ChoiceWidget(Direction, DIRECTION_SYNONYMS),
                       aliases=("sens",), example="outgoing")  # fmt: skip
    project = Column("project", gettext_lazy("Grant agreement number"), UpperTextWidget(),
                     attribute="project__grant_agreement_number",
                     aliases=("projet", "numero de convention", "convention de subvention", "grant agreement"),
                     example="2025-1-FR01-KA121-VET-000123456")  # fmt: skip
    host_oid = Column("host_oid", gettext_lazy("Host organisation OID"), UpperTextWidget(),
                      attribute="host_organisation__oid", aliases=("oid accueil", "oid entreprise"),
                      example="E10234567")  # fmt: skip
    host_name = Column("host_name", gettext_lazy("Host organisation"), attribute="host_organisation__name",
                       aliases=("entreprise d accueil", "organisme d accueil", "host company"),
                       example="Panadería Ejemplo S.L.")  # fmt: skip
    tutor_email = Column("tutor_email", gettext_lazy("Host tutor's e-mail"), EmailWidget(),
                         attribute="host_tutor__email", aliases=("mail tuteur", "courriel tuteur"),
                         example="lucia.garcia@panaderia.example")  # fmt: skip
    host_city = Column("host_city", gettext_lazy("Host city"), aliases=("ville d accueil", "ville"),
                       example="Valencia")  # fmt: skip
    host_country = Column("host_country", gettext_lazy("Host country"), CountryWidget(),
                          aliases=("pays d accueil", "pays", "country"), example="ES")  # fmt: skip
    planned_start = Column("planned_start", gettext_lazy("Start date"), DateWidget(), required=True,
                           aliases=("date de debut", "debut", "date depart", "start"), example="02/03/2026")  # fmt: skip
    planned_end = Column("planned_end", gettext_lazy("End date"), DateWidget(), required=True,
                         aliases=("date de fin", "fin", "date retour", "end"), example="27/03/2026")  # fmt: skip
    actual_start = Column("actual_start", gettext_lazy("Actual start"), DateWidget(),
                          aliases=("debut reel",))  # fmt: skip
    actual_end = Column("actual_end", gettext_lazy("Actual end"), DateWidget(), aliases=("fin reelle",))
    travel_days = Column("travel_days", gettext_lazy("Travel days"), IntegerWidget(0, 6),
                         aliases=("jours de voyage",), example="2")  # fmt: skip
    green_travel = Column("green_travel", gettext_lazy("Green travel"), YesNoWidget(),
                          aliases=("voyage vert", "transport vert"), example="no")  # fmt: skip
    distance_band = Column("distance_band", gettext_lazy("Distance band"), ChoiceWidget(DistanceBand),
                           aliases=("tranche de distance",), example="500-1999")  # fmt: skip
    interruption_days = Column("interruption_days", gettext_lazy("Interruption days"), IntegerWidget(0, 365),
                               aliases=("jours d interruption",))  # fmt: skip
    main_language = Column("main_language", gettext_lazy("Main language of the activity"), LanguageWidget(),
                           aliases=("langue principale",), example="es")  # fmt: skip
    is_accompanying_person = Column("is_accompanying_person", gettext_lazy("Accompanying person"),
                                    YesNoWidget(), aliases=("accompagnateur",), example="no")  # fmt: skip
    accompanying_person = Column("accompanying_person", gettext_lazy("Accompanied by"),
                                 aliases=("accompagne par",))  # fmt: skip
    notes = Column("notes", gettext_lazy("Notes"), aliases=("remarques", "commentaire"))

    class Meta:
        model = Mobility
        fields = (
            "reference",
            "participant_national_id",
            "participant_email",
            "activity_type",
            "direction",
            "project",
            "host_oid",
            "host_name",
            "tutor_email",
            "host_city",
            "host_country",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "travel_days",
            "green_travel",
            "distance_band",
            "interruption_days",
            "main_language",
            "is_accompanying_person",
            "accompanying_person",
            "notes",
        )
        import_id_fields: tuple[str, ...] = ()


RESOURCES: dict[str, type[resources.ModelResource]] = {
    "learners": LearnerResource,
    "organisations": OrganisationResource,
    "mobilities": MobilityResource,
}
