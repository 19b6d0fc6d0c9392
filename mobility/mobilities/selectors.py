"""Reads of mobilities, scoped to the user's centres: lists with filters, one mobility with what its page
shows, its history and outbox, the partners a referent may choose from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import (
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)

from mobility.agreements.models import LearningAgreement
from mobility.documents.models import Document
from mobility.mobilities.models import Mobility
from partners.accounts.access import get_access, hidden
from partners.audit.models import AuditEntry
from partners.directory.models import Contact, Organisation, OrganisationKind
from partners.emails.models import OutboundEmail


def _centres(user: Any) -> frozenset[int]:
    return get_access(user).centre_ids


# --- Mobilities -------------------------------------------------------------------------------
MOBILITY_ORDERINGS = {
    "start": ("planned_start", "id"),
    "-start": ("-planned_start", "-id"),
    "participant": ("participant__last_name", "participant__first_name", "id"),
    "-participant": ("-participant__last_name", "-participant__first_name", "-id"),
    "country": ("host_country", "host_city", "id"),
    "-country": ("-host_country", "-host_city", "-id"),
    "status": ("status", "planned_start", "id"),
    "-status": ("-status", "-planned_start", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}


@dataclass(frozen=True)
class MobilityFilters:
    search: str = ""
    centre_id: int | None = None
    status: str = ""
    country: str = ""
    project_id: int | None = None
    activity_type_id: int | None = None
    group_id: int | None = None
    direction: str = ""
    starts_after: date | None = None
    starts_before: date | None = None
    ends_after: date | None = None
    updated_since: Any = None


def mobility_list_for_user(
    *, user: Any, filters: MobilityFilters | None = None, ordering: str = "-start"
) -> QuerySet[Mobility]:
    f = filters or MobilityFilters()
    qs = Mobility.objects.filter(centre_id__in=_centres(user))
    if f.centre_id:
        qs = qs.filter(centre_id=f.centre_id)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.country:
        qs = qs.filter(host_country=f.country)
    if f.project_id:
        qs = qs.filter(project_id=f.project_id)
    if f.activity_type_id:
        qs = qs.filter(activity_type_id=f.activity_type_id)
    if f.group_id:
        qs = qs.filter(group_id=f.group_id)
    if f.direction:
        qs = qs.filter(direction=f.direction)
    if f.starts_after:
        qs = qs.filter(planned_start__gte=f.starts_after)
    if f.starts_before:
        qs = qs.filter(planned_start__lte=f.starts_before)
    if f.ends_after:
        qs = qs.filter(planned_end__gte=f.ends_after)
    if f.updated_since:
        qs = qs.filter(updated_at__gte=f.updated_since)
    for word in f.search.split()[:5]:
        qs = qs.filter(
            Q(participant__last_name__icontains=word)
            | Q(participant__first_name__icontains=word)
            | Q(reference__iexact=word)
            | Q(host_city__icontains=word)
            | Q(host_organisation__name__icontains=word)
        )
    return qs.select_related(
        "participant", "centre", "activity_type", "host_organisation", "host_tutor", "project", "group"
    ).order_by(*MOBILITY_ORDERINGS.get(ordering, MOBILITY_ORDERINGS["-start"]))


#: What a row of the mobility tables shows (``mobility/_mobility_table.html``): a page of 25 rows reads
#: these 35 columns (with the ids), not the 167 of the mobility and its seven relations.
LIST_ROW_FIELDS = (
    "reference",
    "status",
    "direction",
    "host_city",
    "host_country",
    "planned_start",
    "planned_end",
    "actual_start",
    "actual_end",
    "interruption_days",
    "centre_id",
    "participant__first_name",
    "participant__last_name",
    "participant__anonymised_at",
    "activity_type__name",
    "activity_type__name_translations",
    "host_organisation__name",
    "host_organisation__short_name",
    "host_tutor__first_name",
    "host_tutor__last_name",
    "group__name",
    "centre__name",
    "centre__short_name",
)


def mobility_rows(queryset: QuerySet[Mobility]) -> QuerySet[Mobility]:
    """A list of mobilities with only what the tables show, their relations joined."""
    return (
        queryset.select_related(None)
        .select_related("participant", "activity_type", "host_organisation", "host_tutor", "group", "centre")
        .only(*LIST_ROW_FIELDS)
    )


def mobility_get_for_user(*, user: Any, pk: Any, also: tuple[str, ...] = ()) -> Mobility:
    """One mobility of the user's centres with its learner, centre and partners; ``also``: more
    one-to-one relations read in the same query."""
    try:
        return (
            Mobility.objects.filter(centre_id__in=_centres(user))
            .select_related(
                "participant",
                "participant__qualification",
                "participant__employer",
                "participant__employer_contact",
                "centre",
                "activity_type",
                "host_organisation",
                "sending_organisation",
                "intermediary",
                "host_tutor",
                "project",
                "group",
                *also,
            )
            .get(pk=int(pk))
        )
    except (Mobility.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(Mobility, pk) from exc


#: The mobility's one-to-one rows its page reads with it (``read_along``).
ALONG = ("host_confirmation", "employer_feedback", "funding", "participant_report")


def read_along(mobility: Mobility, name: str, model: Any) -> Any:
    """The mobility's row of the one-to-one relation ``name``, or None: the one its page's query read
    along (``mobility_detail_for_user``), else read now."""
    related = getattr(Mobility, name).related
    if related.is_cached(mobility):
        return related.get_cached_value(mobility)
    return model.objects.filter(mobility=mobility).first()


def mobility_detail_for_user(*, user: Any, pk: Any) -> Mobility:
    """A mobility with everything its page shows, in a fixed number of queries, fetched once and
    shared by every section of the page: its agreement versions (``mobility.agreements.all()``, the
    latest first, the current one with its units, signatures and outcomes), checklist, follow-ups,
    documents and evaluations (``mobility.evaluations.all()`` and ``evaluation_rows`` by kind), and its
    one-to-one rows (``ALONG``)."""
    # the host's answer, the employer's feedback, the grant and the end-of-stay report (one each at
    # most) ride along in the same query
    mobility = mobility_get_for_user(user=user, pk=pk, also=ALONG)
    prefetch_related_objects(
        [mobility],
        Prefetch("agreements", queryset=LearningAgreement.objects.order_by("-version")),
        "evaluations",
    )
    versions = list(mobility.agreements.all())
    mobility.agreement = versions[0] if versions else None
    if mobility.agreement is not None:
        prefetch_related_objects([mobility.agreement], "units", "signatures", "outcomes__unit")
    mobility.checklist_rows = list(
        mobility.checklist.select_related("done_by", "document_type", "template").order_by(
            "due_date", "order", "id"
        )
    )
    mobility.followup_rows = list(
        mobility.followups.select_related("recorded_by").order_by("scheduled_for", "id")
    )
    mobility.document_rows = list(
        Document.objects.filter(
            Q(mobility=mobility) | Q(learner=mobility.participant_id, mobility__isnull=True)
        )
        .select_related("document_type", "uploaded_by")
        .order_by("-created_at")
    )
    mobility.evaluation_rows = {e.kind: e for e in mobility.evaluations.all()}
    return mobility


def mobility_countries_for_user(*, user: Any) -> list[str]:
    """Host countries that occur in the user's mobilities (for the country filter)."""
    return sorted(
        Mobility.objects.filter(centre_id__in=_centres(user))
        .exclude(host_country="")
        .order_by()  # the model's default ordering would make every row distinct
        .values_list("host_country", flat=True)
        .distinct()
    )


# --- The shared directory, as the mobility pages need it -------------------------------------
#: Who can receive a participant.
HOST_KINDS = (
    OrganisationKind.HOST_COMPANY,
    OrganisationKind.PARTNER_SCHOOL,
    OrganisationKind.TRAINING_CENTRE,
)


def directory_for_user(*, user: Any, kinds: tuple[str, ...]) -> QuerySet[Organisation]:
    """Directory entries of these kinds the user may pick: those of their networks (the partners'
    rule, from ``partners.selectors``), by country then name."""
    from partners.directory.selectors import organisation_choices_for_user

    return organisation_choices_for_user(user=user, kinds=kinds).order_by("country", "name", "id")


def contacts_for_user(
    *, user: Any, organisation_id: Any, tutors_only: bool = False, employer_only: bool = False
) -> QuerySet[Contact]:
    """Contacts of one directory organisation the user may see (none when it is out of reach)."""
    try:
        organisation_id = int(organisation_id)
    except (TypeError, ValueError):
        return Contact.objects.none()
    qs = Contact.objects.filter(
        organisation_id=organisation_id, organisation__network_id__in=get_access(user).network_ids
    )
    if tutors_only:
        qs = qs.filter(is_tutor=True)
    if employer_only:
        qs = qs.filter(is_employer_contact=True)
    return qs.order_by("last_name", "first_name")


def contact_search_for_user(
    *, user: Any, organisation_id: Any, q: str, tutors_only: bool = False, limit: int = 20
) -> list[Contact]:
    """A picker's matches among one organisation's contacts the user may see: name, e-mail, position."""
    qs = contacts_for_user(user=user, organisation_id=organisation_id, tutors_only=tutors_only)
    for word in (q or "").split()[:5]:
        word = word[:100]
        qs = qs.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(email__icontains=word)
            | Q(position__icontains=word)
        )
    return list(qs[:limit])


def organisation_hosted_mobilities(
    *, user: Any, organisation: Organisation, limit: int = 50
) -> dict[str, Any]:
    """Mobilities of the user's centres hosted by (or sent to through) one partner organisation."""
    qs = Mobility.objects.filter(centre_id__in=_centres(user)).filter(
        Q(host_organisation=organisation) | Q(intermediary=organisation)
    )
    return {
        "total": qs.count(),
        "rows": list(
            qs.select_related("participant", "activity_type", "host_tutor", "centre").order_by(
                "-planned_start", "-id"
            )[:limit]
        ),
    }


# --- History ----------------------------------------------------------------------------------
def _ids(related: Any) -> list[str]:
    return [str(i) for i in related.values_list("pk", flat=True)]


def mobility_history(*, mobility: Mobility, agreement_ids: list[int], limit: int = 200) -> list[AuditEntry]:
    """Audit entries about the mobility, its agreement versions, tasks, follow-ups, evaluations and
    documents. Documents are found by the mobility their entry names, so that a deleted one still shows.
    """
    pk = str(mobility.pk)
    # the rows the page fetched already (``mobility_detail_for_user``), else their ids
    rows = getattr(mobility, "checklist_rows", None)
    checklist_ids = [str(i.pk) for i in rows] if rows is not None else _ids(mobility.checklist)
    rows = getattr(mobility, "followup_rows", None)
    followup_ids = [str(i.pk) for i in rows] if rows is not None else _ids(mobility.followups)
    rows = getattr(mobility, "evaluation_rows", None)
    evaluation_ids = [str(i.pk) for i in rows.values()] if rows is not None else _ids(mobility.evaluations)
    targets = (
        Q(target_type="mobility.Mobility", target_id=pk)
        | Q(target_type="mobility.LearningAgreement", target_id__in=[str(i) for i in agreement_ids])
        | Q(target_type="mobility.ChecklistItem", target_id__in=checklist_ids)
        | Q(target_type="mobility.FollowUp", target_id__in=followup_ids)
        | Q(target_type="mobility.Evaluation", target_id__in=evaluation_ids)
        | Q(target_type="mobility.Document", data__mobility=mobility.pk)
    )
    return list(
        AuditEntry.objects.filter(targets, centre_id=mobility.centre_id)
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )


def mobility_emails(*, mobility: Mobility) -> list[OutboundEmail]:
    return list(
        OutboundEmail.objects.filter(related_type="mobility.Mobility", related_id=str(mobility.pk)).order_by(
            "-created_at", "-id"
        )[:50]
    )
