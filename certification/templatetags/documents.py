"""Template helpers for the PDF documents: bilingual labels and dates in the document's language."""

from __future__ import annotations

from datetime import date

from django import template
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from partners.dates import date_format

register = template.Library()


def _languages(context) -> list[str]:
    return list(context.get("languages") or [translation.get_language() or "en"])


@register.simple_tag(takes_context=True)
def bi(context, value) -> SafeString | str:
    """A text in the document's languages: the first one plain, the second set apart.

    ``value`` is ``{language: text}`` (or a plain string, printed once). When both languages say
    the same thing, it is printed once.
    """
    if not isinstance(value, dict):
        return "" if value is None else str(value)
    languages = _languages(context)
    texts = [value.get(code) or "" for code in languages]
    first = texts[0] if texts else ""
    others = [(code, t) for code, t in zip(languages[1:], texts[1:], strict=False) if t and t != first]
    if not others:
        return first
    return format_html(
        "{}{}",
        first,
        format_html_join("", ' <span class="l2" lang="{}">{}</span>', others),
    )


@register.simple_tag(takes_context=True)
def label(context, labels: dict, key: str) -> SafeString | str:
    return bi(context, labels.get(key, key))


@register.filter
def isodate(value: str | None, fmt: str = "DATE_FORMAT") -> str:
    """An ISO date from a document's content, written the way the active language writes dates."""
    if not value:
        return ""
    try:
        return date_format(date.fromisoformat(str(value)[:10]), fmt)
    except ValueError:
        return str(value)


@register.filter
def chunks(value: str | None) -> list[str]:
    """A free text as paragraphs (blank lines separate them)."""
    if not value:
        return []
    return [p.strip() for p in str(value).replace("\r\n", "\n").split("\n\n") if p.strip()]


@register.filter
def filled(value) -> bool:
    """Whether a text (or a ``{language: text}`` map) has anything to print."""
    if isinstance(value, dict):
        return any(str(v).strip() for v in value.values() if v)
    return bool(value and str(value).strip())
