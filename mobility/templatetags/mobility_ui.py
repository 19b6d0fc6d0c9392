"""Small template helpers of the referent's pages: sortable headers, countries, durations, CSS text."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django_countries import countries

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context: dict, key: str, label: str, css: str = "") -> str:
    """A column header that sorts by ``key`` (and flips to descending when already sorted by it)."""
    request = context["request"]
    current = request.GET.get("sort") or context.get("default_sort", "")
    if current == key:
        target, state = f"-{key}", "ascending"
    elif current == f"-{key}":
        target, state = key, "descending"
    else:
        target, state = key, "none"
    params = request.GET.copy()
    params["sort"] = target
    params.pop("page", None)
    return format_html(
        '<th scope="col" aria-sort="{}"{}><a href="?{}">{}</a></th>',
        state,
        format_html(' class="{}"', css) if css else "",
        params.urlencode(),
        label,
    )


@register.filter
def country_name(code: Any) -> str:
    code = getattr(code, "code", code)
    return str(countries.name(code) or code or "")


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag(takes_context=True)
def page_url(context: dict, number: int) -> str:
    params = context["request"].GET.copy()
    params["page"] = number
    return f"?{params.urlencode()}"


@register.filter
def fields_named(form: Any, names: Any) -> list:
    """The bound fields of ``form`` among ``names`` (a form may leave some out, e.g. a single centre)."""
    return [form[name] for name in names if name in form.fields]


@register.simple_tag
def elided_pages(page: Any) -> list:
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.filter
def status_label(code: str) -> str:
    from mobility.mobilities.models import MobilityStatus

    try:
        return str(MobilityStatus(code).label)
    except ValueError:
        return code


@register.filter
def age(learner: Any) -> int | None:
    from django.utils import timezone

    return learner.age_on(timezone.localdate())


@register.filter
def is_wordy(value: Any) -> bool:
    """A key figure that is words ("no answer yet"), not a number: shown smaller than a number."""
    return not any(character.isdigit() for character in str(value))


@register.filter
def language_translated(code: Any) -> str:
    """The language's name in the reader's language; an unknown code shows as it is."""
    from mobility.site.i18n import language_name

    return language_name(code)


@register.filter
def listed_name(person: Any) -> str:
    """A participant as lists show them: "LAST First" (an anonymised one by that word)."""
    if getattr(person, "anonymised_at", None) is not None:
        return person.full_name
    return f"{(person.last_name or '').upper()} {person.first_name or ''}".strip()


@register.filter
def css_string(value: Any) -> SafeString:
    """``value`` as the inside of a double-quoted CSS string (``content: "…"``), printed as typed.

    Letters, digits and spaces stay; anything else becomes a CSS escape closed by a space (``<`` is
    ``\\3C ``; the space ends the escape and is not printed), so no quote, backslash, brace or
    ``</style>`` in a name can end the string or the style sheet. (``escapejs`` is for JavaScript:
    CSS prints its ``\\u002D`` as ``u002D``.)
    """
    text = "".join(c if c.isalnum() or c == " " else f"\\{ord(c):X} " for c in str(value))
    return mark_safe(text)  # noqa: S308 (nothing above but letters, digits, spaces and escapes)
