"""The emergency sheet: the "abroad now" list as a PDF, written by a worker (an export job)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from mobility.care import selectors
from mobility.data import report_parts
from mobility.data.models import ExportJob, ExportKind
from mobility.data.reports import static_fetcher
from partners.audit.services import audit_record


def emergency_sheet_pdf(*, rows: list[Any], today: Any, label: str = "") -> bytes:
    from weasyprint import HTML

    static_root = Path(settings.STATICFILES_DIRS[0]).resolve()
    html_text = render_to_string(
        "care/emergency_sheet_pdf.html",
        {"abroad": [r for r in rows if r.abroad], "leaving": [r for r in rows if not r.abroad], "today": today,
         "label": label, "generated_at": timezone.now()},
    )  # fmt: skip
    return HTML(
        string=html_text, base_url=static_root.as_uri() + "/", url_fetcher=static_fetcher()
    ).write_pdf()


def emergency_sheet_write(*, job: ExportJob, out: Any) -> int:
    """Worker side: the list as the requester may see it now, audited like the page."""
    params = job.params or {}
    centre = params.get("centre_id")
    filters = {"centre_id": int(centre) if centre else None, "country": params.get("country", ""),
               "town": params.get("town", "")}  # fmt: skip
    rows = selectors.abroad_now_for_user(user=job.created_by, **filters)
    for centre_id in sorted({r.mobility.centre_id for r in rows}) or [None]:
        audit_record(action="abroad_now.read", actor=job.created_by, centre_id=centre_id,
                     target_type="care.AbroadNow", data={"via": "pdf", "job": job.pk})  # fmt: skip
    out.write(emergency_sheet_pdf(rows=rows, today=timezone.localdate(), label=job.scope_label))
    return len(rows)


report_parts.register_writer(ExportKind.EMERGENCY, emergency_sheet_write)
