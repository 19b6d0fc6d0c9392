"""Pickers for long lists (organisations, contacts, learners): a plain list while it is short, and
beyond that only the chosen entries and a search box that asks the server as one types
(``static/js/combobox.js``). The posted value is a primary key, checked by the form's field as ever.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.forms.models import ModelChoiceIteratorValue
from django.urls import reverse

#: Up to this many choices a picker is a plain list (it works without JavaScript); beyond, the page
#: carries only the chosen entries and the rest is found by typing (``mobility:picker-*``).
PICKER_LIMIT = 30


class _SearchChoices:
    """Shared by the search widgets: the choices to render, never more than PICKER_LIMIT + 1 rows read."""

    source: str
    params: dict[str, Any]
    depends: str

    def _setup(self, source: str, params: dict[str, Any] | None, depends: str) -> None:
        self.source, self.params, self.depends = source, dict(params or {}), depends
        self._head: tuple[Any, list[Any]] | None = None

    def _first_rows(self) -> list[Any]:
        """The first PICKER_LIMIT + 1 rows of the field's queryset, read once per form."""
        queryset = self.choices.field.queryset  # type: ignore[attr-defined]
        if self._head is None or self._head[0] is not queryset:
            self._head = (queryset, list(queryset[: PICKER_LIMIT + 1]))
        return self._head[1]

    @property
    def partial(self) -> bool:
        """Too many choices to list: the page holds the chosen ones only."""
        if getattr(self.choices, "field", None) is None:  # type: ignore[attr-defined]
            return False
        return len(self._first_rows()) > PICKER_LIMIT

    def _bounded(self, value: list[Any]) -> list[Any]:
        iterator = self.choices  # type: ignore[attr-defined]
        field = getattr(iterator, "field", None)
        if field is None:  # plain choices: nothing to bound
            return list(iterator)
        queryset = field.queryset
        head = self._first_rows()
        rows = head
        if len(head) > PICKER_LIMIT:
            wanted = {str(v) for v in value if v not in (None, "")}
            # Read apart even when among the first rows: the page costs the same queries either way.
            ids = [int(v) for v in wanted if v.isdigit()]
            rows = list(queryset.filter(pk__in=ids)) if ids else []
        choices = [("", field.empty_label)] if field.empty_label is not None else []
        return choices + [
            (ModelChoiceIteratorValue(field.prepare_value(row), row), field.label_from_instance(row))
            for row in rows
        ]

    def optgroups(self, name: str, value: list[Any], attrs: dict | None = None) -> list[Any]:
        full = self.choices  # type: ignore[attr-defined]
        self.choices = self._bounded(value)  # type: ignore[attr-defined]
        try:
            return super().optgroups(name, value, attrs)  # type: ignore[misc]
        finally:
            self.choices = full  # type: ignore[attr-defined]

    @property
    def source_url(self) -> str:
        """Where the search box asks for matches."""
        return reverse(self.source) + (f"?{urlencode(self.params)}" if self.params else "")

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)  # type: ignore[misc]
        prefix = name.rsplit("-", 1)[0] + "-" if "-" in name else ""
        context["widget"].update(
            {
                "source": self.source_url,
                "depends": f"{prefix}{self.depends}" if self.depends else "",
                "partial": self.partial,
            }
        )
        return context


class SearchSelect(_SearchChoices, forms.Select):
    """One choice among possibly thousands: the list when short, else the chosen one and a search box."""

    template_name = "forms/search_select.html"

    def __init__(
        self,
        *,
        source: str,
        params: dict[str, Any] | None = None,
        depends: str = "",
        attrs: dict | None = None,
    ) -> None:
        super().__init__(attrs=attrs)
        self._setup(source, params, depends)


class SearchCheckboxes(_SearchChoices, forms.CheckboxSelectMultiple):
    """Several choices among possibly thousands: ticked boxes, and more found by typing when the list is long."""

    template_name = "forms/search_checkboxes.html"

    def __init__(
        self, *, source: str, params: dict[str, Any] | None = None, attrs: dict | None = None
    ) -> None:
        super().__init__(attrs=attrs)
        self._setup(source, params, "")
