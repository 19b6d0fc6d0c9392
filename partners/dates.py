"""Dates written the way the reader's language writes them, including what Django's formats cannot say.

French writes the first day of a month as an ordinal ("1er janvier 2027", never "1 janvier"); a
format string has no character for it, so the day is given its suffix here, for every format that
shows the day of the month without a leading zero (``j``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import formats
from django.utils.translation import get_language

#: Languages whose first day of a month takes a suffix: (language, the suffix as a format escape).
_FIRST_DAY_SUFFIX = {"fr": r"\e\r"}


def _with_first_day_suffix(fmt: str, suffix: str) -> str:
    """``fmt`` with ``suffix`` after each unescaped ``j`` (a backslash escapes the next character)."""
    out, escaped = [], False
    for char in fmt:
        out.append(char)
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "j":
            out.append(suffix)
    return "".join(out)


def date_format(value: date | datetime, fmt: str | None = None) -> str:
    """Like ``django.utils.formats.date_format``, with the ordinal first day where the language has one."""
    suffix = _FIRST_DAY_SUFFIX.get((get_language() or "").split("-")[0])
    if suffix and getattr(value, "day", None) == 1:
        fmt = _with_first_day_suffix(formats.get_format(fmt or "DATE_FORMAT"), suffix)
    return formats.date_format(value, fmt)


def format_date_filter(value: Any, arg: str | None = None) -> str:
    """The template ``date`` filter's behaviour, through :func:`date_format`."""
    from django.utils.dateformat import format as raw_format

    if value in (None, ""):
        return ""
    try:
        return date_format(value, arg)
    except AttributeError:
        try:
            return raw_format(value, arg)
        except AttributeError:
            return ""
