"""The ``date`` filter of every template (a builtin), writing "1er janvier" in French."""

from __future__ import annotations

from django import template

from partners.dates import format_date_filter

register = template.Library()
register.filter("date", format_date_filter, expects_localtime=True, is_safe=False)
