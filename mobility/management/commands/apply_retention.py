"""python manage.py apply_retention [--dry-run] [--today YYYY-MM-DD]"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mobility.privacy.retention import retention_apply, retention_plan


class Command(BaseCommand):
    help = (
        "Anonymise the learners whose last mobility ended more than RETENTION_YEARS years ago and "
        "delete the documents past their type's retention period. With --dry-run, list them only."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="list what would be done, change nothing")
        parser.add_argument("--today", help="run as if on this day (YYYY-MM-DD)")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError(f"--today: {options['today']!r} is not a date (YYYY-MM-DD).") from exc
        plan = retention_plan(today)
        self.stdout.write(
            f"Retention: {settings.RETENTION_YEARS} years; learners whose last mobility ended before "
            f"{plan.cutoff.isoformat()}."
        )
        for learner in plan.learners:
            last = getattr(learner, "last_end", None)
            self.stdout.write(
                f"  anonymise learner #{learner.pk} ({learner.centre.name}), "
                f"last mobility ended {last.isoformat() if last else 'never went'}"
            )
        for document in plan.documents:
            self.stdout.write(
                f"  delete document #{document.pk} ({document.document_type.code}) of learner "
                f"#{document.learner_id}, kept {document.document_type.retention_days} days"
            )
        summary = (
            f"{len(plan.learners)} learner(s) to anonymise, {len(plan.documents)} document(s) to delete."
        )
        if options["dry_run"]:
            self.stdout.write(f"Dry run: nothing changed. {summary}")
            return
        done = retention_apply(plan)
        self.stdout.write(
            self.style.SUCCESS(
                f"Done: {done['learners']} learner(s) anonymised, {done['documents']} document(s) deleted"
                + (f", {done['failed']} learner(s) skipped (try again later)." if done["failed"] else ".")
            )
        )
