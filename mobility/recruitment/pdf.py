"""The selection report of a call as a PDF an auditor of the national agency can read: the call, its
period, places and criteria grid, the figures by centre and trade, every decision with its reason.
Written by a worker (an export job); the requester's scope is checked again when it is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.data import report_parts
from mobility.data.models import ExportJob, ExportKind
from mobility.data.reports import static_fetcher
from mobility.recruitment import selectors
from mobility.recruitment.models import Application, Call
from mobility.recruitment.reports import selection_report
from mobility.recruitment.services.selection import TIE_BREAK
from partners.accounts.access import get_access
from partners.audit.services import audit_record


def _ordered(applications: list[Application]) -> list[Application]:
    return sorted(applications, key=lambda a: (a.rank is None, a.rank or 0, a.last_name.lower(), a.pk))


def selection_report_pdf(*, call: Call, applications: list[Application], label: str = "") -> bytes:
    from weasyprint import HTML

    static_root = Path(settings.STATICFILES_DIRS[0]).resolve()
    centres = [call.centre, *call.other_centres.all()]
    html_text = render_to_string(
        "recruitment/report_pdf.html",
        {
            "call": call,
            "centres": centres,
            "several_centres": len(centres) > 1 or any(a.centre_id != call.centre_id for a in applications),
            "places": list(call.places.select_related("host_organisation")),
            "criteria": list(call.criteria.all()),
            "report": selection_report(call=call, applications=applications),
            "applications": _ordered(applications),
            "tie_break": _(TIE_BREAK),
            "label": label,
            "generated_at": timezone.now(),
        },
    )
    return HTML(
        string=html_text, base_url=static_root.as_uri() + "/", url_fetcher=static_fetcher()
    ).write_pdf()


def selection_report_write(*, job: ExportJob, out: Any) -> int:
    """Worker side: the call and its applications as the requester may see them now, audited like the
    workbook (another centre's call is not found; without the right to export, nothing is written)."""
    user = job.created_by
    call = selectors.call_get_for_user(user=user, pk=int((job.params or {}).get("call_id") or 0))
    if not get_access(user).can("export_data", call.centre_id):
        raise PermissionDenied(_("You may not export this call's report."))
    applications = list(selectors.application_list_for_user(user=user, call=call))
    out.write(selection_report_pdf(call=call, applications=applications, label=job.scope_label))
    audit_record(
        action="call.report.download",
        actor=user,
        target=call,
        centre_id=call.centre_id,
        data={"rows": len(applications), "via": "pdf", "job": job.pk},
    )
    return len(applications)


report_parts.register_writer(ExportKind.SELECTION, selection_report_write)
