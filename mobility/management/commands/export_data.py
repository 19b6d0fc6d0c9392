"""python manage.py export_data <kind> --format csv|xlsx --output <file>"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from mobility.data.exports.rows import DATA_KINDS, rows_for, write_rows
from mobility.data.imports.cli import all_centres, command_user
from partners.audit.services import audit_record
from partners.directory.models import Organisation, OrganisationKind


class Command(BaseCommand):
    help = (
        "Export learners, organisations, mobilities, evaluations or anonymised statistics to CSV or XLSX "
        "(every centre, or one with --centre). Formula-like cells are neutralised."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=DATA_KINDS)
        parser.add_argument("--format", dest="file_format", choices=("csv", "xlsx"), default="csv")
        parser.add_argument("--output", type=Path, required=True)
        parser.add_argument("--centre", type=int, help="id of one training centre")
        parser.add_argument("--from", dest="starts_after", help="mobilities starting from (YYYY-MM-DD)")
        parser.add_argument("--to", dest="starts_before", help="mobilities starting until (YYYY-MM-DD)")
        parser.add_argument("--delimiter", default=",", choices=(",", ";"))
        parser.add_argument("--user", help="e-mail of the person on whose behalf (default: the command line)")

    def handle(self, *args, **options):
        if options["centre"]:
            centres = list(
                Organisation.objects.filter(pk=options["centre"], kind=OrganisationKind.TRAINING_CENTRE)
            )
            if not centres:
                raise CommandError(f"No training centre with the id {options['centre']}.")
        else:
            centres = all_centres()
        user = command_user(email=options.get("user"), centres=centres)
        filters = {
            "centre": options["centre"],
            "starts_after": options["starts_after"] or "",
            "starts_before": options["starts_before"] or "",
        }
        try:
            rows = rows_for(options["kind"], user, filters)
            with options["output"].open("wb") as out:
                count = write_rows(rows, options["file_format"], out, delimiter=options["delimiter"])
        except PermissionDenied as exc:
            raise CommandError(f"{user} may not export this.") from exc
        audit_record(
            action="data.export",
            actor=user,
            actor_label="command line",
            target_type="file",
            target_id=options["output"].name[:40],
            data={
                "kind": options["kind"],
                "format": options["file_format"],
                "rows": count,
                "filters": filters,
            },
        )
        self.stdout.write(self.style.SUCCESS(f"{count} rows written to {options['output']}."))
