"""How much personal data one person may take away in an hour: exports and API lists together.

One counter, read from what is recorded anyway: the exports the person requested in the last hour
(``ExportJob`` rows) and the rows that API lists of personal data served them (their ``api.list``
audit entries). An export counts one; every ``API_LIST_ROWS_PER_EXPORT`` rows served by API lists
count one more (the activity report, figures without names, counts nothing). Past ``EXPORTS_PER_HOUR`` the next export or list page is refused — the attempt is
audited — until the oldest of them is an hour old. Bulk copying is slowed down whatever the path,
and every page taken is on record.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, Min, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mobility.data.models import ExportJob, ExportKind
from partners.accounts.access import get_access
from partners.accounts.models import User
from partners.audit.models import AuditEntry
from partners.audit.services import audit_record

WINDOW = timedelta(hours=1)

LIST_ACTION = "api.list"

#: Query parameters of API lists whose values the audit may keep (ids, dates, statuses); any
#: other parameter (``search``, ``email``, ``national_id``…) is recorded by its name only.
AUDITED_LIST_PARAMS = frozenset(
    {
        "centre", "kind", "qualification", "is_minor", "updated_since", "ordering", "status", "country",
        "participant", "project", "activity_type", "group", "direction", "starts_after", "starts_before",
        "ends_after", "ends_before", "learner", "mobility", "document_type", "organisation", "is_tutor",
        "is_employer_contact",
    }
)  # fmt: skip


class ExportBudgetExceeded(ValidationError):
    """The person has taken their hour's worth of personal data; ``retry_after`` is in seconds."""

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message, code="throttled")
        self.retry_after = retry_after


def rows_per_export() -> int:
    return max(1, int(settings.API_LIST_ROWS_PER_EXPORT))


def _taken_since(user: User, since: datetime) -> tuple[int, datetime | None]:
    """What the person took since ``since``, in rows (an export counts as a full share), and when
    the oldest of it was taken."""
    exports = (
        ExportJob.objects.filter(created_by=user, created_at__gte=since)
        .exclude(kind=ExportKind.REPORT)  # figures, no personal data: not counted
        .aggregate(count=Count("id"), first=Min("created_at"))
    )
    listed = AuditEntry.objects.filter(actor=user, action=LIST_ACTION, at__gte=since).aggregate(
        rows=Sum(Cast(KT("data__rows"), IntegerField())), first=Min("at")
    )
    firsts = [t for t in (exports["first"], listed["first"]) if t is not None]
    return exports["count"] * rows_per_export() + (listed["rows"] or 0), min(firsts, default=None)


def export_budget_check(*, user: User, rows: int | None = None, request: HttpRequest | None = None) -> None:
    """Refuses (``ExportBudgetExceeded``) an export, or a list page of ``rows`` rows, that would
    take the person past ``EXPORTS_PER_HOUR`` exports' worth in the last hour."""
    now = timezone.now()
    cost = rows_per_export() if rows is None else rows
    taken, oldest = _taken_since(user, now - WINDOW)
    limit = settings.EXPORTS_PER_HOUR
    if taken + cost <= limit * rows_per_export():
        return
    audit_record(
        action="export.rate_limited",
        actor=user,
        data={"limit": limit, "rows": rows, "path": request.path[:300] if request is not None else ""},
        request=request,
    )
    wait = math.ceil(((oldest or now) + WINDOW - now).total_seconds())
    wait = min(max(wait, 1), int(WINDOW.total_seconds()))
    minutes = math.ceil(wait / 60)
    raise ExportBudgetExceeded(
        _(
            "You have used the %(limit)d exports in the last hour that you may make (every %(rows)d rows "
            "read through API lists count as one export): %(wait)s."
        )
        % {
            "limit": limit,
            "rows": rows_per_export(),
            "wait": ngettext("try again in %(minutes)d minute", "try again in %(minutes)d minutes", minutes)
            % {"minutes": minutes},
        },
        retry_after=wait,
    )


def personal_data_list_record(
    *,
    user: User,
    model_label: str,
    rows: int,
    page: int,
    page_size: int,
    query: Any,
    token_prefix: str = "",
    request: HttpRequest | None = None,
) -> None:
    """Counts a page of an API list of personal data against the person's hour (refused past it)
    and audits it: which list, its filters (values only where they are not personal), the page and
    the number of rows served."""
    export_budget_check(user=user, rows=rows, request=request)
    filters: dict[str, Any] = {}
    for name in query:
        if name in ("page", "page_size"):
            continue
        values = query.getlist(name)
        value = values[0] if len(values) == 1 else values
        filters[name] = value if name in AUDITED_LIST_PARAMS else None
    centre = str(query.get("centre", ""))
    centre_id = int(centre) if centre.isdigit() and int(centre) in get_access(user).centre_ids else None
    audit_record(
        action=LIST_ACTION,
        actor=user,
        target_type=model_label,
        centre_id=centre_id,
        data={
            "path": request.path[:300] if request is not None else "",
            "rows": rows,
            "page": page,
            "page_size": page_size,
            "filters": filters,
            "via": "token" if token_prefix else "session",
            **({"token": token_prefix} if token_prefix else {}),
        },
        request=request,
    )
