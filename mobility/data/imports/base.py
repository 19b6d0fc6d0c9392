"""What every importer shares: a row's result, the check of a whole table, the reading of cells."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from mobility.data.imports.parsing import Table, column_letter, normalise_header
from mobility.data.resources import (
    Column,
    columns_of,
)
from partners.accounts.access import require_capability
from partners.accounts.roles import Capability
from partners.directory.models import Organisation, OrganisationKind

NEW, UPDATED, UNCHANGED, ERROR = "new", "updated", "unchanged", "error"

OUTCOMES = (NEW, UPDATED, UNCHANGED, ERROR)

#: Directory kinds an import may create; centres and networks are created by administrators.
DIRECTORY_KINDS = (
    OrganisationKind.HOST_COMPANY,
    OrganisationKind.PARTNER_SCHOOL,
    OrganisationKind.INTERMEDIARY,
    OrganisationKind.SENDING_EMPLOYER,
)

Progress = Callable[[int, int], None]


@dataclass
class RowResult:
    row: int
    outcome: str = UNCHANGED
    label: str = ""
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)
    #: What writing this row does (importer-specific); never stored in the report.
    plan: Any = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"row": self.row, "outcome": self.outcome, "label": self.label}
        if self.errors:
            data["errors"] = self.errors
        if self.warnings:
            data["warnings"] = self.warnings
        if self.changes:
            data["changes"] = self.changes
        return data


@dataclass
class CheckResult:
    rows: list[RowResult]
    file_errors: list[str]
    file_warnings: list[str]
    columns: list[dict[str, str]]

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(OUTCOMES, 0)
        for row in self.rows:
            counts[row.outcome] += 1
        return counts

    @property
    def error_rows(self) -> set[int]:
        return {r.row for r in self.rows if r.outcome == ERROR}

    def report(self) -> dict[str, Any]:
        return {
            "file_errors": self.file_errors,
            "file_warnings": self.file_warnings,
            "columns": self.columns,
            "rows": [r.as_dict() for r in self.rows],
        }


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            name: [str(m) for m in ValidationError(errors).messages]
            for name, errors in exc.error_dict.items()
        }
    return {"__all__": [str(m) for m in exc.messages]}


def _clean_text(value: Any) -> str:
    return normalise_header(value)


def network_of(centre: Organisation) -> int:
    """The root network whose shared directory the centre's imports read and extend."""
    return centre.network_id or centre.parent_id or centre.pk


def organisation_create(*, centre: Organisation, values: dict[str, Any], acting_user: Any) -> Organisation:
    """A new directory entry of the centre's network, owned by the centre (as the partner pages do).

    The import has already matched the row against the directory (OID, VAT, name and city), so
    the duplicate warning of the pages is answered here.
    """
    from partners.directory.services import organisation_create as create

    return create(acting_user=acting_user, data=values, owner_centre=centre, confirm_duplicate=True)


class Importer:
    kind = ""
    resource_class: Any = None
    capability = Capability.MANAGE_LEARNERS
    #: Model field → column key, for the model's own errors.
    field_columns: dict[str, str] = {}
    #: The columns of which at least one is needed to find a row again on the next import.
    key_columns: tuple[str, ...] = ()

    def __init__(self, *, centre: Organisation, user: Any, table: Table):
        require_capability(user, Capability.IMPORT_DATA, centre.pk)
        require_capability(user, self.capability, centre.pk)
        self.centre = centre
        self.user = user
        self.table = table
        self.columns: list[Column] = columns_of(self.resource_class)
        self.by_key = {c.key: c for c in self.columns}
        self.mapping: dict[str, int] = {}
        self.file_errors: list[str] = []
        self.file_warnings: list[str] = list(table.warnings)
        self._map_header()

    # --- Header ---------------------------------------------------------------------------------
    def _map_header(self) -> None:
        names: dict[str, str] = {}
        for column in self.columns:
            for name in column.names():
                names.setdefault(name, column.key)
        unknown: list[str] = []
        for index, text in enumerate(self.table.header):
            normalised = normalise_header(text)
            if not normalised:
                continue
            key = names.get(normalised)
            if key is None:
                unknown.append(
                    _("column %(letter)s “%(header)s”") % {"letter": column_letter(index), "header": text}
                )
            elif key in self.mapping:
                first = self.mapping[key]
                self.file_errors.append(
                    _("Columns %(first)s and %(second)s are both “%(label)s”: keep only one.")
                    % {
                        "first": column_letter(first),
                        "second": column_letter(index),
                        "label": self.by_key[key].label,
                    }
                )
            else:
                self.mapping[key] = index
        if unknown:
            self.file_warnings.append(
                _("Unknown columns, ignored: %(columns)s. The template lists the columns this import reads.")
                % {"columns": ", ".join(unknown)}
            )
        for column in self.columns:
            if column.required and column.key not in self.mapping:
                self.file_errors.append(
                    _("The required column “%(label)s” is missing.") % {"label": column.label}
                )
        if self.key_columns and not any(k in self.mapping for k in self.key_columns):
            labels = _(" or ").join(f"“{self.by_key[k].label}”" for k in self.key_columns)
            self.file_errors.append(
                _("Add a column %(labels)s: it finds each row again when the file is imported another time.")
                % {"labels": labels}
            )

    def column_report(self) -> list[dict[str, str]]:
        found = {index: key for key, index in self.mapping.items()}
        return [
            {
                "letter": column_letter(i),
                "header": str(text),
                "column": str(self.by_key[found[i]].label) if i in found else "",
            }
            for i, text in enumerate(self.table.header)
        ]

    def column_name(self, key: str) -> str:
        column = self.by_key.get(key)
        if column is None:
            return ""
        if key in self.mapping:
            index = self.mapping[key]
            return _("column %(letter)s “%(header)s”") % {
                "letter": column_letter(index),
                "header": self.table.header[index],
            }
        return f"“{column.label}”"

    def error(self, result: RowResult, key: str, message: str) -> None:
        result.errors.append({"column": self.column_name(key), "message": str(message)})

    def model_errors(self, result: RowResult, exc: ValidationError) -> None:
        # A cell that could not be read ("Unknown country “Atlantis”") is left empty for the
        # model, which would add "This field cannot be blank." to the same column.
        unreadable = {e["column"] for e in result.errors if e["column"]}
        for name, messages in _messages(exc).items():
            key = self.field_columns.get(name, name)
            key = key if key in self.by_key else ""
            if key and self.column_name(key) in unreadable:
                continue
            for message in messages:
                self.error(result, key, message)

    # --- Rows -----------------------------------------------------------------------------------
    def clean_cells(self, cells: list[Any], result: RowResult) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, index in self.mapping.items():
            raw = cells[index] if index < len(cells) else ""
            try:
                values[key] = self.by_key[key].widget.clean(raw)
            except ValueError as exc:
                self.error(result, key, str(exc))
        return values

    def check(self, progress: Progress | None = None) -> CheckResult:
        """What every row would do. Changes nothing."""
        results: list[RowResult] = []
        if not self.file_errors:
            cleaned = []
            for number, cells in self.table.rows:
                result = RowResult(row=number)
                cleaned.append((result, self.clean_cells(cells, result)))
            self.prepare([values for _result, values in cleaned])
            total = len(cleaned)
            for done, (result, values) in enumerate(cleaned, start=1):
                self.check_row(result, values)
                if result.errors:
                    result.outcome = ERROR
                results.append(result)
                if progress and (done % 250 == 0 or done == total):
                    progress(done, total)
        return CheckResult(
            rows=results,
            file_errors=self.file_errors,
            file_warnings=self.file_warnings,
            columns=self.column_report(),
        )

    def prepare(self, rows: list[dict[str, Any]]) -> None:
        """Loads once what the rows refer to (existing records, catalogues)."""

    def check_row(self, result: RowResult, values: dict[str, Any]) -> None:
        raise NotImplementedError

    def write(self, results: Iterable[RowResult], progress: Progress | None = None) -> None:
        raise NotImplementedError

    @staticmethod
    def given(values: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
        """The values of ``keys`` that the row gives (an empty cell leaves the stored value alone)."""
        return {k: values[k] for k in keys if k in values and values[k] not in (None, "", [])}

    @staticmethod
    def changed(instance: Any, data: dict[str, Any]) -> list[str]:
        changes = []
        for name, value in data.items():
            current = getattr(instance, name)
            if hasattr(current, "pk") or hasattr(value, "pk"):
                if getattr(current, "pk", current) != getattr(value, "pk", value) or (
                    getattr(value, "pk", 0) is None
                ):
                    changes.append(name)
            elif str(current or "") != str(value or "") or (isinstance(value, bool) and current is not value):
                changes.append(name)
        return changes
