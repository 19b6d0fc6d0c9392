"""Scoped reads of certificates, document jobs and the learner data they are made of.

Every function takes the user and limits the rows to the training centres they reach
(``get_access(user).centre_ids``): another centre's object answers 404, a missing capability 403.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from mobility.agreements.models import LearningAgreement
from mobility.evaluations.models import Evaluation
from mobility.mobilities.models import Mobility, MobilityGroup, MobilityStatus
from mobility.projects.models import Project
from partners.accounts.access import get_access, hidden
from partners.accounts.models import User
from partners.accounts.roles import Capability

from .models import Certificate, CertificateStatus, DocumentJob


def _centres(user: User, capability: Capability) -> frozenset[int]:
    """The centres the user reaches; PermissionDenied when they hold ``capability`` in none of them."""
    access = get_access(user)
    if not access.centres_with(capability):
        raise PermissionDenied
    return access.centre_ids


def _require(user: User, capability: Capability, centre_id: int) -> None:
    if not get_access(user).can(capability, centre_id):
        raise PermissionDenied


def can_issue(user: User, centre_id: int) -> bool:
    return get_access(user).can(Capability.ISSUE_CERTIFICATES, centre_id)


# --- Learner data the documents are made of -----------------------------------------------------
def _mobility_document_queryset() -> QuerySet[Mobility]:
    return Mobility.objects.select_related(
        "centre",
        "participant",
        "participant__qualification",
        "activity_type",
        "project",
        "group",
        "sending_organisation",
        "host_organisation",
        "intermediary",
        "host_tutor",
    ).prefetch_related(
        "sending_organisation__contacts",
        Prefetch(
            "agreements",
            queryset=LearningAgreement.objects.prefetch_related("outcomes__unit", "units", "signatures"),
        ),
        Prefetch(
            "evaluations",
            queryset=Evaluation.objects.select_related("reviewed_by").prefetch_related("assessments"),
        ),
        "recognitions__unit",
    )


def mobility_for_certificate(*, mobility_id: int) -> Mobility:
    """A mobility with everything its documents print (no user scope: for services and tasks)."""
    return _mobility_document_queryset().get(pk=mobility_id)


def mobilities_for_certificates(*, mobility_ids: list[int]) -> dict[int, Mobility]:
    """Many mobilities with everything their documents print, in the queries of one (the joins and
    one query per related list for the whole batch): a group's certificates issued set by set."""
    return {m.pk: m for m in _mobility_document_queryset().filter(pk__in=mobility_ids)}


def mobility_get_for_user(*, user: User, pk: int, capability: Capability = Capability.VIEW) -> Mobility:
    """A mobility of the user's centres (404 otherwise), if they hold ``capability`` there (403)."""
    centre_ids = _centres(user, capability)
    mobility = _mobility_document_queryset().filter(pk=pk, centre_id__in=centre_ids).first()
    if mobility is None:
        raise hidden(Mobility, pk)
    _require(user, capability, mobility.centre_id)
    return mobility


def agreement_get_for_user(
    *, user: User, pk: int, capability: Capability = Capability.VIEW
) -> LearningAgreement:
    centre_ids = _centres(user, capability)
    agreement = (
        LearningAgreement.objects.select_related("mobility")
        .filter(pk=pk, mobility__centre_id__in=centre_ids)
        .first()
    )
    if agreement is None:
        raise hidden(LearningAgreement, pk)
    _require(user, capability, agreement.mobility.centre_id)
    return agreement


def group_get_for_user(*, user: User, pk: int, capability: Capability = Capability.VIEW) -> MobilityGroup:
    centre_ids = _centres(user, capability)
    group = MobilityGroup.objects.filter(pk=pk, centre_id__in=centre_ids).first()
    if group is None:
        raise hidden(MobilityGroup, pk)
    _require(user, capability, group.centre_id)
    return group


def project_get_for_user(*, user: User, pk: int, capability: Capability = Capability.VIEW) -> Project:
    """A project with at least one mobility in the user's centres (or held by one of their organisations)."""
    access = get_access(user)
    centre_ids = _centres(user, capability)
    project = (
        Project.objects.filter(pk=pk)
        .filter(Q(organisation_id__in=access.org_ids) | Q(mobilities__centre_id__in=centre_ids))
        .distinct()
        .first()
    )
    if project is None:
        raise hidden(Project, pk)
    return project


def group_mobilities(*, group: MobilityGroup) -> QuerySet[Mobility]:
    return (
        Mobility.objects.filter(group=group)
        .select_related("participant")
        .prefetch_related(Prefetch("certificates", queryset=Certificate.objects.order_by("-version")))
        .order_by("participant__last_name", "participant__first_name", "pk")
    )


def issuable_mobilities(*, mobilities: QuerySet[Mobility]) -> QuerySet[Mobility]:
    """Evaluated mobilities (validated tutor evaluation) with no valid or pending certificate."""
    return (
        mobilities.filter(
            status__in=[MobilityStatus.EVALUATED, MobilityStatus.CERTIFIED],
            evaluations__kind="tutor",
            evaluations__status="validated",
        )
        .exclude(
            certificates__status__in=[
                CertificateStatus.REQUESTED,
                CertificateStatus.RENDERING,
                CertificateStatus.FAILED,
            ]
        )
        .exclude(certificates__status=CertificateStatus.READY, certificates__superseded_at__isnull=True)
        .distinct()
    )


def current_certificates(*, mobility_ids) -> QuerySet[Certificate]:
    """The certificate that stands for each mobility: valid, or being produced."""
    return Certificate.objects.filter(mobility_id__in=mobility_ids, superseded_at__isnull=True).exclude(
        status=CertificateStatus.REVOKED
    )


# --- Certificates and jobs ----------------------------------------------------------------------
def certificate_list_for_mobility(*, user: User, mobility: Mobility) -> list[Certificate]:
    _require(user, Capability.VIEW, mobility.centre_id)
    return list(
        Certificate.objects.filter(mobility=mobility)
        .select_related("issued_by", "revoked_by", "job")
        .order_by("-version")
    )


def certificate_list_for_user(*, user: User) -> QuerySet[Certificate]:
    """Every certificate of the centres the user sees, every version and status."""
    return Certificate.objects.filter(centre_id__in=_centres(user, Capability.VIEW)).select_related(
        "job", "superseded_by"
    )


def certificate_get_for_user(*, user: User, pk: int, capability: Capability = Capability.VIEW) -> Certificate:
    centre_ids = _centres(user, capability)
    certificate = (
        Certificate.objects.select_related(
            "mobility", "mobility__participant", "issued_by", "revoked_by", "superseded_by", "job"
        )
        .filter(pk=pk, centre_id__in=centre_ids)
        .first()
    )
    if certificate is None:
        raise hidden(Certificate, pk)
    _require(user, capability, certificate.centre_id)
    return certificate


def job_list_for_user(*, user: User, kind: str = "", status: str = "") -> QuerySet[DocumentJob]:
    centre_ids = _centres(user, Capability.VIEW)
    jobs = DocumentJob.objects.filter(centre_id__in=centre_ids).select_related(
        "centre",
        "requested_by",
        "certificate",
        "mobility__participant",
        "agreement__mobility__participant",
        "certificate__mobility__participant",
        "group",
        "project",
    )
    if kind:
        jobs = jobs.filter(kind=kind)
    if status:
        jobs = jobs.filter(status=status)
    return jobs.order_by("-created_at", "-id")


def job_get_for_user(*, user: User, pk: int, capability: Capability = Capability.VIEW) -> DocumentJob:
    centre_ids = _centres(user, capability)
    job = (
        DocumentJob.objects.select_related("certificate", "requested_by", "group", "project", "mobility")
        .filter(pk=pk, centre_id__in=centre_ids)
        .first()
    )
    if job is None:
        raise hidden(DocumentJob, pk)
    _require(user, capability, job.centre_id)
    return job


def mobility_jobs(*, centre_id: int, mobility: Any) -> QuerySet[DocumentJob]:
    """Every document job of a mobility, newest first (a mobility has a handful: its certificate,
    attendance, agreement versions, grant documents)."""
    return DocumentJob.objects.filter(centre_id=centre_id, mobility=mobility).order_by("-created_at", "-id")


def latest_jobs(*, centre_id: int, **target) -> dict[str, DocumentJob]:
    """The latest job of each kind for a target (``mobility=…``, ``group=…``…), for the panels."""
    latest: dict[str, DocumentJob] = {}
    for job in DocumentJob.objects.filter(centre_id=centre_id, **target).order_by("-created_at", "-id")[:20]:
        latest.setdefault(job.kind, job)
    return latest


# --- Public verification ------------------------------------------------------------------------
def certificate_for_verification(*, number: str) -> Certificate:
    """A certificate that was issued (valid, superseded or revoked) under ``number``; 404 otherwise."""
    normalised = (number or "").strip().upper()
    certificate = (
        Certificate.objects.select_related("superseded_by")
        .filter(number=normalised, status__in=[CertificateStatus.READY, CertificateStatus.REVOKED])
        .exclude(sha256="")
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate


# --- The learner's own certificate --------------------------------------------------------------
def certificate_for_learner(*, mobility_id: int) -> Certificate | None:
    """The certificate a learner may download for their mobility: the valid one, with its file.

    The caller has already scoped the mobility to the learner (``guest_mobility_get``).
    """
    return (
        Certificate.objects.filter(
            mobility_id=mobility_id, status=CertificateStatus.READY, superseded_at__isnull=True
        )
        .exclude(file="")
        .order_by("-version")
        .first()
    )
