"""The learning agreement's texts in another language, as the referent translated them.

``LearningAgreement.translations`` maps a language code to the translated texts of that version:
``{"objectives": …, "tasks": …, "outcomes": [… in the agreement's order], "source": {"objectives":
<fingerprint of the original it was translated from>, …, "outcomes": [fingerprints]}, "updated_at",
"updated_by"}``. A part whose original has changed since (its fingerprint differs) is *outdated*:
the referent sees it marked, the reader gets the original for that part, never the old text as if
it were current. The original always prevails; the signed version and its PDF keep it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from mobility.agreements.models import LearningAgreement

#: The agreement's free texts a translation covers (the outcomes come on top).
TRANSLATED_FIELDS = (
    "objectives",
    "tasks",
    "working_schedule",
    "assessor",
    "assessment_method",
    "assessment_timing",
    "recognition_arrangements",
)


def fingerprint(text: str | None) -> str:
    """A short digest of an original text: enough to tell that it changed, without copying it."""
    return hashlib.sha256((text or "").strip().encode()).hexdigest()[:16]


def basis(agreement: LearningAgreement) -> str:
    """A fingerprint of every original text at once: what a translation form was drawn from."""
    texts = [getattr(agreement, name) or "" for name in TRANSLATED_FIELDS]
    texts += [o.description for o in agreement.outcomes.all()]
    return fingerprint("\x1f".join(texts))


def base_language(code: str | None) -> str:
    return (code or "").split("-")[0].lower()


def translation_languages() -> list[tuple[str, str]]:
    """The platform's languages (those its pages speak), with their names in the reader's language."""
    return [(code, str(_(str(name)))) for code, name in settings.LANGUAGES]


def language_label(code: str) -> str:
    return dict(translation_languages()).get(code, code)


@dataclass
class Part:
    """One text of the agreement with its translation: ``outdated`` when translated from another original."""

    key: str
    label: str
    original: str
    text: str = ""
    outdated: bool = False

    @property
    def current(self) -> str:
        """The translation when it holds for this original, else empty."""
        return self.text if self.text and not self.outdated else ""


@dataclass
class Translation:
    language: str
    parts: list[Part] = field(default_factory=list)
    outcome_parts: list[tuple[Any, Part]] = field(default_factory=list)
    updated_at: datetime | None = None
    updated_by: str = ""
    exists: bool = False

    @property
    def all_parts(self) -> list[Part]:
        return [*self.parts, *(part for _o, part in self.outcome_parts)]

    @property
    def outdated(self) -> bool:
        return any(p.outdated for p in self.all_parts)

    @property
    def complete(self) -> bool:
        return all(p.current for p in self.all_parts if p.original.strip())


def _field_label(name: str) -> str:
    label = str(LearningAgreement._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def translation_of(*, agreement: LearningAgreement, language: str) -> Translation:
    """The agreement's parts in ``language``: each original beside its translation (if any) and whether
    that translation was made from the same original (reads the agreement's prefetched outcomes)."""
    code = base_language(language)
    entry = (agreement.translations or {}).get(code)
    entry = entry if isinstance(entry, dict) else {}
    # entries written before fingerprints were kept cannot be checked: taken as they are
    sources = entry.get("source") if isinstance(entry.get("source"), dict) else None
    result = Translation(
        language=code,
        updated_at=parse_datetime(str(entry.get("updated_at") or "")),
        updated_by=str(entry.get("updated_by") or ""),
        exists=bool(entry),
    )
    for name in TRANSLATED_FIELDS:
        original = getattr(agreement, name) or ""
        text = entry.get(name)
        text = text.strip() if isinstance(text, str) else ""
        outdated = bool(text) and sources is not None and sources.get(name) != fingerprint(original)
        result.parts.append(Part(name, _field_label(name), original, text, outdated))

    outcomes = list(agreement.outcomes.all())
    given = entry.get("outcomes")
    given_sources = (sources or {}).get("outcomes") if sources is not None else None
    by_source: dict[str, str] = {}
    if isinstance(given, list) and isinstance(given_sources, list):
        for text, source in zip(given, given_sources, strict=False):
            if isinstance(text, str) and text.strip():
                by_source.setdefault(str(source), text.strip())
    for index, outcome in enumerate(outcomes):
        key, label = f"outcome_{index}", _("Learning outcome %(number)s") % {"number": index + 1}
        text, outdated = "", False
        if isinstance(given, dict):  # an older shape: by outcome id
            text = str(given.get(str(outcome.pk)) or "").strip()
        elif isinstance(given, list):
            if sources is None:
                text = str(given[index] or "").strip() if index < len(given) else ""
            elif fingerprint(outcome.description) in by_source:
                text = by_source[fingerprint(outcome.description)]
            elif index < len(given) and isinstance(given[index], str) and given[index].strip():
                # the outcome at this place was reworded since: its old translation, marked outdated
                text, outdated = given[index].strip(), True
        result.outcome_parts.append((outcome, Part(key, label, outcome.description, text, outdated)))
    return result


@dataclass
class LanguageState:
    language: str
    name: str
    outdated: bool
    complete: bool


def translation_states(*, agreement: LearningAgreement) -> list[LanguageState]:
    """The languages the agreement is translated into, each up to date or outdated."""
    states = []
    own = base_language(agreement.language)
    for code, name in translation_languages():
        if code == own or code not in (agreement.translations or {}):
            continue
        found = translation_of(agreement=agreement, language=code)
        states.append(LanguageState(code, name, found.outdated, found.complete))
    return states


def default_language(*, agreement: LearningAgreement, tutor_language: str | None) -> str:
    """The language a translation is first offered in: the host tutor's, else the placement's, else
    the first of the platform's languages that is not the agreement's own."""
    own = base_language(agreement.language)
    codes = [code for code, _name in translation_languages() if code != own]
    for wanted in (base_language(tutor_language), base_language(agreement.placement_language)):
        if wanted in codes:
            return wanted
    return codes[0] if codes else own


@dataclass
class AgreementText:
    """What a reader sees: each text translated where a current translation exists, else the original."""

    texts: dict[str, str]
    outcomes: dict[int, str]
    language: str
    original_language: str
    translated: bool
    outdated: bool = False
    #: the language each text is shown in (a text left as written keeps the original's), for ``lang``
    langs: dict[str, str] = field(default_factory=dict)
    outcome_langs: dict[int, str] = field(default_factory=dict)

    @property
    def objectives(self) -> str:
        return self.texts.get("objectives", "")

    @property
    def tasks(self) -> str:
        return self.texts.get("tasks", "")


def agreement_text(*, agreement: LearningAgreement, language: str) -> AgreementText:
    """The agreement's texts for a reader of ``language``. A part with no translation, or one made from
    an original changed since, is shown as written (``outdated`` says so)."""
    code = base_language(language)
    own = base_language(agreement.language)
    originals = {name: getattr(agreement, name) or "" for name in TRANSLATED_FIELDS}
    outcomes = {o.pk: o.description for o in agreement.outcomes.all()}
    if not code or code == own or code not in (agreement.translations or {}):
        return AgreementText(
            originals,
            outcomes,
            agreement.language,
            agreement.language,
            False,
            langs=dict.fromkeys(originals, agreement.language),
            outcome_langs=dict.fromkeys(outcomes, agreement.language),
        )
    found = translation_of(agreement=agreement, language=code)
    translated = any(p.current for p in found.all_parts)
    return AgreementText(
        {p.key: p.current or p.original for p in found.parts},
        {o.pk: p.current or p.original for o, p in found.outcome_parts},
        code if translated else agreement.language,
        agreement.language,
        translated,
        found.outdated,
        langs={p.key: code if p.current else agreement.language for p in found.parts},
        outcome_langs={o.pk: code if p.current else agreement.language for o, p in found.outcome_parts},
    )


def translated_text(*, agreement: LearningAgreement, language: str, name: str) -> str | None:
    """One text's current translation into ``language``, or None (no translation, or an outdated one)."""
    if base_language(language) == base_language(agreement.language):
        return None
    entry = (agreement.translations or {}).get(base_language(language))
    if not isinstance(entry, dict) or name not in TRANSLATED_FIELDS:
        return None
    text = entry.get(name)
    if not isinstance(text, str) or not text.strip():
        return None
    sources = entry.get("source")
    if isinstance(sources, dict) and sources.get(name) != fingerprint(getattr(agreement, name)):
        return None
    return text.strip()
