"""python manage.py import_data <learners|organisations|mobilities> <file> --centre <id> [--dry-run]"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mobility.data.imports.base import ERROR, NEW, UNCHANGED, UPDATED
from mobility.data.imports.cli import command_user
from mobility.data.imports.limits import check_spreadsheet
from mobility.data.imports.parsing import read_table
from mobility.data.imports.registry import importer_for
from mobility.data.models import ImportKind
from partners.audit.services import audit_record
from partners.directory.models import Organisation, OrganisationKind


class Command(BaseCommand):
    help = (
        "Import learners, host companies (with tutors) or mobilities from a CSV or XLSX file into a centre. "
        "Prints what each row does; exits with status 1 when a row failed (nothing is written then, "
        "unless --skip-errors)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument("--centre", type=int, required=True, help="id of the training centre")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--skip-errors", action="store_true", help="write the valid rows even when others failed"
        )
        parser.add_argument("--encoding", default="", help="utf-8 or cp1252 (default: detected)")
        parser.add_argument("--user", help="e-mail of the person on whose behalf (default: the command line)")

    def handle(self, *args, **options):
        centre = (
            Organisation.objects.filter(pk=options["centre"], kind=OrganisationKind.TRAINING_CENTRE)
            .select_related("parent")
            .first()
        )
        if centre is None:
            raise CommandError(f"No training centre with the id {options['centre']}.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        user = command_user(email=options.get("user"), centres=[centre])
        with path.open("rb") as handle:
            upload = File(handle, name=path.name)
            try:
                checked = check_spreadsheet(upload, path.name)
                table = read_table(handle, checked.file_format, encoding=options["encoding"])
                importer = importer_for(options["kind"], centre=centre, user=user, table=table)
            except ValidationError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
            except PermissionDenied as exc:
                raise CommandError(f"{user} may not import into this centre.") from exc
        result = importer.check()
        for message in result.file_errors:
            self.stderr.write(f"file: {message}")
        for message in result.file_warnings:
            self.stdout.write(f"file: {message}")
        styles = {
            NEW: self.style.SUCCESS,
            UPDATED: self.style.WARNING,
            UNCHANGED: str,
            ERROR: self.style.ERROR,
        }
        for row in result.rows:
            line = f"row {row.row}: {row.outcome:<9} {row.label}"
            if row.changes:
                line += f" (changes: {', '.join(row.changes)})"
            self.stdout.write(styles[row.outcome](line))
            for error in row.errors:
                column = f"{error['column']}: " if error["column"] else ""
                self.stdout.write(self.style.ERROR(f"    row {row.row}, {column}{error['message']}"))
            for warning in row.warnings:
                self.stdout.write(f"    {warning}")
        counts = result.counts
        summary = ", ".join(f"{counts[k]} {k}" for k in (NEW, UPDATED, UNCHANGED, ERROR))
        failed = bool(result.file_errors or counts[ERROR])
        if options["dry_run"]:
            self.stdout.write(f"Dry run: {summary}. Nothing written.")
        elif result.file_errors or (counts[ERROR] and not options["skip_errors"]):
            self.stdout.write(f"{summary}. Nothing written: correct the rows in error, or use --skip-errors.")
        else:
            with transaction.atomic():
                importer.write(result.rows)
                audit_record(
                    action="data.import",
                    actor=user,
                    actor_label="command line",
                    target_type="file",
                    target_id=checked.sha256[:40],
                    centre_id=centre.pk,
                    data={
                        "kind": options["kind"],
                        "format": checked.file_format,
                        "rows": len(result.rows),
                        "created": counts[NEW],
                        "updated": counts[UPDATED],
                        "unchanged": counts[UNCHANGED],
                        "skipped": counts[ERROR],
                        "via": "command line",
                    },
                )
            self.stdout.write(self.style.SUCCESS(f"Imported: {summary}."))
        if failed:
            raise SystemExit(1)
