"""Reads of learner data, scoped to what the user may see. Views, API, exports and tasks go through here.

Rule: a user sees the learners, mobilities, groups and documents of the training centres their
memberships reach (``get_access(user).centre_ids``). Another centre's object is a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from partners.access import get_access, hidden
from partners.models import AuditEntry, Contact, Organisation, OrganisationKind, OutboundEmail

from .models import (
    ActivityType,
    ChecklistItem,
    Document,
    DocumentType,
    Evaluation,
    EvaluationKind,
    EvaluationStatus,
    FollowUp,
    Learner,
    LearningAgreement,
    Mobility,
    MobilityGroup,
    MobilityStatus,
    ParentalConsent,
    Project,
    Qualification,
    Signature,
)


def _centres(user: Any) -> frozenset[int]:
    return get_access(user).centre_ids


# --- Catalogues -------------------------------------------------------------------------------
def activity_type_list_for_user(*, user: Any, include_inactive: bool = False) -> QuerySet[ActivityType]:
    """Activity types shared by every network, plus those of the user's networks."""
    access = get_access(user)
    qs = ActivityType.objects.filter(Q(network__isnull=True) | Q(network_id__in=access.network_ids))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("order", "name")


def qualification_list_for_user(*, user: Any) -> QuerySet[Qualification]:
    access = get_access(user)
    return (
        Qualification.objects.filter(Q(network__isnull=True) | Q(network_id__in=access.network_ids))
        .filter(is_active=True)
        .order_by("diploma", "title")
    )


def document_type_list() -> QuerySet[DocumentType]:
    return DocumentType.objects.order_by("order", "name")


# --- Projects ---------------------------------------------------------------------------------
def project_list_for_user(*, user: Any) -> QuerySet[Project]:
    """Projects held by an organisation the user reaches (their centres and chambers)."""
    access = get_access(user)
    return Project.objects.filter(organisation_id__in=access.org_ids).select_related("organisation")


def project_get_for_user(*, user: Any, pk: Any) -> Project:
    try:
        return project_list_for_user(user=user).get(pk=int(pk))
    except (Project.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(Project, pk) from exc


# --- Learners ---------------------------------------------------------------------------------
LEARNER_ORDERINGS = {
    "name": ("last_name", "first_name", "id"),
    "-name": ("-last_name", "-first_name", "-id"),
    "centre": ("centre__name", "last_name", "id"),
    "-centre": ("-centre__name", "-last_name", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
    "birth": ("date_of_birth", "id"),
    "-birth": ("-date_of_birth", "-id"),
}


def learner_list_for_user(
    *,
    user: Any,
    search: str = "",
    centre_id: int | None = None,
    kind: str = "",
    qualification_id: int | None = None,
    minors_only: bool = False,
    abroad_now: bool = False,
    ordering: str = "name",
    include_anonymised: bool = False,
    with_mobility_summary: bool = False,
) -> QuerySet[Learner]:
    """The learners of the user's centres; ``with_mobility_summary`` adds, in the same query, how many
    mobilities each has and the status and start of the latest one that is not cancelled."""
    qs = Learner.objects.filter(centre_id__in=_centres(user))
    if with_mobility_summary:
        latest = (
            Mobility.objects.filter(participant=OuterRef("pk"))
            .exclude(status=MobilityStatus.CANCELLED)
            .order_by("-planned_start", "-id")
        )
        # Counted in a subquery, like the latest mobility: a join on mobilities with GROUP BY would read
        # every mobility of the network for one page of learners (bench/README.md, "Findings").
        count = (
            Mobility.objects.filter(participant=OuterRef("pk"))
            .order_by()
            .values("participant")
            .annotate(n=Count("pk"))
            .values("n")
        )
        qs = qs.annotate(
            mobility_count=Coalesce(Subquery(count), 0),
            latest_status=Subquery(latest.values("status")[:1]),
            latest_start=Subquery(latest.values("planned_start")[:1]),
            latest_country=Subquery(latest.values("host_country")[:1]),
        )
    if not include_anonymised:
        qs = qs.filter(anonymised_at__isnull=True)
    if centre_id:
        qs = qs.filter(centre_id=centre_id)
    if kind:
        qs = qs.filter(kind=kind)
    if qualification_id:
        qs = qs.filter(qualification_id=qualification_id)
    if minors_only:
        today = timezone.localdate()
        qs = qs.filter(date_of_birth__gt=today.replace(year=today.year - 18))
    if abroad_now:
        qs = qs.filter(
            Exists(Mobility.objects.filter(participant=OuterRef("pk"), status=MobilityStatus.IN_PROGRESS))
        )
    for word in search.split()[:5]:
        qs = qs.filter(
            Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(email__icontains=word)
            | Q(national_id__iexact=word)
            | Q(trade__icontains=word)
        )
    return qs.select_related("centre", "qualification", "employer").order_by(
        *LEARNER_ORDERINGS.get(ordering, LEARNER_ORDERINGS["name"])
    )


def learner_get_for_user(*, user: Any, pk: Any) -> Learner:
    """One learner of the user's centres; an anonymised learner is nobody any more (404)."""
    try:
        return (
            Learner.objects.filter(centre_id__in=_centres(user), anonymised_at__isnull=True)
            .select_related("centre", "qualification", "employer", "employer_contact")
            .get(pk=int(pk))
        )
    except (Learner.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(Learner, pk) from exc


def learner_detail_for_user(*, user: Any, pk: Any) -> Learner:
    """A learner with what their page shows: mobilities, consents, documents."""
    learner = learner_get_for_user(user=user, pk=pk)
    learner.mobility_rows = list(
        learner.mobilities.select_related("activity_type", "host_organisation").order_by("-planned_start")
    )
    learner.consent_rows = list(learner.consents.order_by("-given_on"))
    learner.document_rows = list(
        learner.documents.select_related("document_type", "mobility").order_by("-created_at")
    )
    return learner


def learner_has_consent(*, learner: Learner, mobility: Mobility | None = None) -> bool:
    qs = ParentalConsent.objects.filter(learner=learner)
    if mobility is not None:
        qs = qs.filter(Q(mobility__isnull=True) | Q(mobility=mobility))
    return qs.exists()


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


def mobility_get_for_user(*, user: Any, pk: Any) -> Mobility:
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
            )
            .get(pk=int(pk))
        )
    except (Mobility.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(Mobility, pk) from exc


def agreement_current(*, mobility: Mobility) -> LearningAgreement | None:
    """The latest version of the mobility's learning agreement, with its outcomes and signatures."""
    return (
        mobility.agreements.prefetch_related("units", "signatures", "outcomes__unit")
        .order_by("-version")
        .first()
    )


def agreement_versions(*, mobility: Mobility) -> list[LearningAgreement]:
    return list(mobility.agreements.order_by("-version"))


def agreement_get_for_user(*, user: Any, pk: Any) -> LearningAgreement:
    try:
        return (
            LearningAgreement.objects.filter(mobility__centre_id__in=_centres(user))
            .select_related("mobility", "mobility__participant", "mobility__centre")
            .prefetch_related("units", "signatures", "outcomes__unit")
            .get(pk=int(pk))
        )
    except (LearningAgreement.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(LearningAgreement, pk) from exc


def mobility_detail_for_user(*, user: Any, pk: Any) -> Mobility:
    """A mobility with everything its page shows, in a fixed number of queries."""
    mobility = mobility_get_for_user(user=user, pk=pk)
    mobility.agreement = agreement_current(mobility=mobility)
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


def document_get_for_user(*, user: Any, pk: Any) -> Document:
    try:
        return (
            Document.objects.filter(centre_id__in=_centres(user))
            .select_related("learner", "mobility", "document_type")
            .get(pk=int(pk))
        )
    except (Document.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(Document, pk) from exc


def missing_documents(*, mobility: Mobility) -> list[DocumentType]:
    """Documents the activity type requires before confirmation that are not uploaded yet."""
    required = list(mobility.activity_type.required_documents.all())
    if not required:
        return []
    minor = mobility.participant.is_minor_on(mobility.planned_start)
    present = set(
        Document.objects.filter(learner_id=mobility.participant_id)
        .filter(Q(mobility=mobility) | Q(mobility__isnull=True))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=mobility.planned_end))
        .values_list("document_type_id", flat=True)
    )
    return [t for t in required if t.pk not in present and (minor or not t.required_for_minors_only)]


# --- Groups -----------------------------------------------------------------------------------
def group_list_for_user(*, user: Any) -> QuerySet[MobilityGroup]:
    return (
        MobilityGroup.objects.filter(centre_id__in=_centres(user))
        .select_related("centre", "activity_type", "project")
        .annotate(size=Count("mobilities"))
        .order_by("-planned_start", "name")
    )


def group_get_for_user(*, user: Any, pk: Any) -> MobilityGroup:
    try:
        return (
            MobilityGroup.objects.filter(centre_id__in=_centres(user))
            .select_related("centre", "activity_type", "project")
            .prefetch_related(
                Prefetch(
                    "mobilities",
                    queryset=Mobility.objects.select_related(
                        "participant", "host_organisation", "host_tutor"
                    ).order_by("participant__last_name", "participant__first_name"),
                )
            )
            .get(pk=int(pk))
        )
    except (MobilityGroup.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(MobilityGroup, pk) from exc


# --- Dashboard --------------------------------------------------------------------------------
def dashboard_for_user(*, user: Any, today: date | None = None) -> dict[str, Any]:
    """What a referent needs to see first: departures, who is abroad, what is late or awaited."""
    today = today or timezone.localdate()
    centres = _centres(user)
    mobilities = Mobility.objects.filter(centre_id__in=centres)
    departures = list(
        mobilities.filter(
            planned_start__gte=today,
            planned_start__lte=today + timedelta(days=30),
            status__in=[MobilityStatus.PLANNED, MobilityStatus.CONFIRMED, MobilityStatus.DRAFT],
        )
        .select_related("participant", "host_organisation", "activity_type")
        .order_by("planned_start", "id")[:20]
    )
    abroad_by_country = list(
        mobilities.filter(status=MobilityStatus.IN_PROGRESS, direction="outgoing")
        .values("host_country")
        .annotate(count=Count("id"))
        .order_by("-count", "host_country")
    )
    overdue_qs = ChecklistItem.objects.filter(
        mobility__centre_id__in=centres,
        done_at__isnull=True,
        due_date__lt=today,
        mobility__status__in=[
            MobilityStatus.DRAFT,
            MobilityStatus.PLANNED,
            MobilityStatus.CONFIRMED,
            MobilityStatus.IN_PROGRESS,
            MobilityStatus.COMPLETED,
            MobilityStatus.EVALUATED,
        ],
    )
    # The first 15 are chosen without the joins of the rows shown, and ordered by an expression, not the
    # column: ordered by the column, PostgreSQL walks the due-date index of every centre's items
    # (700,000 in a national network) looking for this centre's first 15 (bench/README.md, "Findings").
    due_order = (ExpressionWrapper(F("due_date") + 0, output_field=DateField()), "id")
    first_ids = list(overdue_qs.order_by(*due_order).values_list("pk", flat=True)[:15])
    overdue = list(
        ChecklistItem.objects.filter(pk__in=first_ids)
        .select_related("mobility", "mobility__participant", "template")
        .order_by("due_date", "id")
    )
    missed_followups = FollowUp.objects.filter(
        mobility__centre_id__in=centres,
        done_on__isnull=True,
        scheduled_for__lt=today,
        mobility__status=MobilityStatus.IN_PROGRESS,
    ).count()
    awaiting_qs = mobilities.filter(status=MobilityStatus.COMPLETED)
    awaiting_evaluation = list(
        awaiting_qs.annotate(
            submitted=Exists(
                Evaluation.objects.filter(
                    mobility=OuterRef("pk"), kind=EvaluationKind.TUTOR, status=EvaluationStatus.SUBMITTED
                )
            )
        )
        .select_related("participant", "host_tutor")
        .order_by("planned_end", "id")[:15]
    )
    to_certify_qs = mobilities.filter(status=MobilityStatus.EVALUATED)
    to_certify = list(to_certify_qs.select_related("participant").order_by("planned_end", "id")[:15])
    soon = mobilities.filter(
        status__in=[MobilityStatus.PLANNED, MobilityStatus.CONFIRMED],
        planned_start__lte=today + timedelta(days=45),
        planned_start__gte=today,
    ).select_related("activity_type", "participant")
    missing = []
    required_by_type: dict[int, list[DocumentType]] = {}
    soon_list = list(soon.order_by("planned_start", "id")[:60])
    if soon_list:
        type_ids = {m.activity_type_id for m in soon_list}
        for at in ActivityType.objects.filter(pk__in=type_ids).prefetch_related("required_documents"):
            required_by_type[at.pk] = list(at.required_documents.all())
        # The rule of ``missing_documents`` (the confirmation blockers), for many mobilities at once:
        # a learner's document counts for this mobility or for none other, while it is still valid.
        uploaded: dict[int, list[tuple[int | None, int, date | None]]] = {}
        for learner_id, mobility_id, type_id, valid_until in Document.objects.filter(
            learner_id__in={m.participant_id for m in soon_list}
        ).values_list("learner_id", "mobility_id", "document_type_id", "valid_until"):
            uploaded.setdefault(learner_id, []).append((mobility_id, type_id, valid_until))
        for m in soon_list:
            minor = m.participant.is_minor_on(m.planned_start)
            present = {
                type_id
                for mobility_id, type_id, valid_until in uploaded.get(m.participant_id, [])
                if mobility_id in (None, m.pk) and (valid_until is None or valid_until >= m.planned_end)
            }
            lacking = [
                t
                for t in required_by_type.get(m.activity_type_id, [])
                if t.pk not in present and (minor or not t.required_for_minors_only)
            ]
            if lacking:
                missing.append((m, lacking))
    return {
        "today": today,
        "departures": departures,
        "abroad_by_country": abroad_by_country,
        "abroad_total": sum(row["count"] for row in abroad_by_country),
        "overdue": overdue,
        "overdue_total": overdue_qs.count(),
        "missed_followups": missed_followups,
        "awaiting_evaluation": awaiting_evaluation,
        "awaiting_evaluation_total": awaiting_qs.count()
        if len(awaiting_evaluation) == 15
        else len(awaiting_evaluation),
        "to_certify": to_certify,
        "to_certify_total": to_certify_qs.count() if len(to_certify) == 15 else len(to_certify),
        "missing_documents": missing[:15],
        "missing_documents_total": len(missing),
    }


# --- Pages: lookups the referent's pages need -------------------------------------------------
def consent_get_for_user(*, user: Any, pk: Any) -> ParentalConsent:
    try:
        return (
            ParentalConsent.objects.filter(learner__centre_id__in=_centres(user))
            .select_related("learner")
            .get(pk=int(pk))
        )
    except (ParentalConsent.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(ParentalConsent, pk) from exc


def signature_get_for_user(*, user: Any, pk: Any) -> Signature:
    try:
        return (
            Signature.objects.filter(agreement__mobility__centre_id__in=_centres(user))
            .select_related("agreement", "agreement__mobility")
            .get(pk=int(pk))
        )
    except (Signature.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(Signature, pk) from exc


def checklist_item_get_for_user(*, user: Any, pk: Any) -> ChecklistItem:
    try:
        return (
            ChecklistItem.objects.filter(mobility__centre_id__in=_centres(user))
            .select_related("mobility", "template", "done_by")
            .get(pk=int(pk))
        )
    except (ChecklistItem.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(ChecklistItem, pk) from exc


def mobility_countries_for_user(*, user: Any) -> list[str]:
    """Host countries that occur in the user's mobilities (for the country filter)."""
    return sorted(
        Mobility.objects.filter(centre_id__in=_centres(user))
        .exclude(host_country="")
        .order_by()  # the model's default ordering would make every row distinct
        .values_list("host_country", flat=True)
        .distinct()
    )


def group_choices_for_user(*, user: Any) -> QuerySet[MobilityGroup]:
    return MobilityGroup.objects.filter(centre_id__in=_centres(user)).order_by("-planned_start", "name")


def learner_choices_for_centres(*, centre_ids: Any, kind: str = "") -> QuerySet[Learner]:
    """Participants that may be picked for a mobility in these centres (the caller checked access)."""
    qs = Learner.objects.filter(centre_id__in=centre_ids, anonymised_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("centre").order_by("last_name", "first_name", "id")


def project_list_with_counts_for_user(*, user: Any, search: str = "") -> QuerySet[Project]:
    qs = project_list_for_user(user=user).annotate(
        mobility_count=Count("mobilities", filter=Q(mobilities__centre_id__in=_centres(user)), distinct=True),
        group_count=Count("groups", filter=Q(groups__centre_id__in=_centres(user)), distinct=True),
    )
    for word in search.split()[:5]:
        qs = qs.filter(
            Q(title__icontains=word) | Q(grant_agreement_number__icontains=word) | Q(key_action__iexact=word)
        )
    return qs.order_by("-start_date", "title")


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
    from partners.selectors import organisation_choices_for_user

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
def mobility_history(*, mobility: Mobility, agreement_ids: list[int], limit: int = 200) -> list[AuditEntry]:
    """Audit entries about the mobility, its agreement versions, tasks, follow-ups, evaluations and
    documents. Documents are found by the mobility their entry names, so that a deleted one still shows.
    """
    pk = str(mobility.pk)
    checklist_ids = [str(i) for i in mobility.checklist.values_list("pk", flat=True)]
    followup_ids = [str(i) for i in mobility.followups.values_list("pk", flat=True)]
    evaluation_ids = [str(i) for i in mobility.evaluations.values_list("pk", flat=True)]
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


# --- Timeline ---------------------------------------------------------------------------------
def timeline_for_user(
    *, user: Any, start: date, end: date, filters: MobilityFilters | None = None
) -> QuerySet[Mobility]:
    """Mobilities that overlap [start, end], in the order the timeline draws them."""
    qs = mobility_list_for_user(user=user, filters=filters, ordering="start")
    return qs.filter(planned_start__lte=end).filter(Q(planned_end__gte=start) | Q(actual_end__gte=start))


# --- API --------------------------------------------------------------------------------------
def document_list_for_user(*, user: Any) -> QuerySet[Document]:
    """Documents (metadata) of the user's centres, newest first."""
    return (
        Document.objects.filter(centre_id__in=_centres(user))
        .select_related("document_type")
        .order_by("-created_at", "-id")
    )
