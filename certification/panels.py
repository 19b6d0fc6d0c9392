"""Sections the certification app adds to the mobility, group and project pages (see partners.panels)."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.template.loader import render_to_string

from certification.pdf import context as ctx
from certification.pdf import documents
from certification.services import certificates as services
from mobility.guests.models import GuestRole
from mobility.mobilities.models import Mobility, MobilityGroup, MobilityStatus
from mobility.projects.models import Project
from partners import panels
from partners.accounts.access import get_access
from partners.accounts.models import User
from partners.accounts.roles import Capability

from . import selectors
from .forms import BundleForm, GroupIssueForm, IssueForm
from .models import BUNDLE_KINDS, CertificateStatus, IssueStatus, JobKind


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # anonymous visitors hold no capability: they never get past _can_view


def _can_view(request: HttpRequest, centre_id: int) -> bool:
    return get_access(_user(request)).can(Capability.VIEW, centre_id)


@panels.register("mobility_detail", order=80)
def mobility_documents(request: HttpRequest, mobility: Mobility) -> str | None:
    """Certificates (issue, reissue, revoke, download), learning agreement PDFs, attendance certificate."""
    if not _can_view(request, mobility.centre_id):
        return None
    # ``mobility`` is the page's, fetched through the mobility selector: its scope is checked already.
    # The section reads only its agreements (versions, statuses) and evaluations (the blockers).
    prefetch_related_objects([mobility], "agreements", "evaluations")
    certificates = selectors.certificate_list_for_mobility(user=_user(request), mobility=mobility)
    current = next(
        (c for c in certificates if c.superseded_at is None and c.status != CertificateStatus.REVOKED), None
    )
    learner_language = ctx.document_language(mobility.participant.preferred_language)
    host = ctx.host_language(mobility).split("-")[0].lower()
    # One read of the mobility's jobs: the latest of each kind, and the latest of each agreement.
    jobs: dict[str, Any] = {}
    agreement_jobs: dict[int, Any] = {}
    for job in (
        selectors.mobility_jobs(centre_id=mobility.centre_id, mobility=mobility) if mobility.pk else []
    ):
        jobs.setdefault(job.kind, job)
        if job.kind == JobKind.LEARNING_AGREEMENT and job.agreement_id is not None:
            agreement_jobs.setdefault(job.agreement_id, job)
    agreements = [
        (agreement, agreement_jobs.get(agreement.pk))
        for agreement in sorted(mobility.agreements.all(), key=lambda a: a.version, reverse=True)
    ]
    return render_to_string(
        "certification/_mobility_panel.html",
        {
            "mobility": mobility,
            "certificates": certificates,
            "current": current,
            "blockers": services.certificate_blockers(mobility=mobility),
            "can_issue": selectors.can_issue(_user(request), mobility.centre_id),
            # One language unless asked for a second one (the host's is suggested next to the field).
            "issue_form": IssueForm(initial={"language": learner_language, "second_language": ""}),
            "host_language": host if host in ctx.DOCUMENT_LANGUAGES and host != learner_language else "",
            "agreements": agreements,
            "attendance_job": jobs.get(JobKind.ATTENDANCE),
            "attendance_possible": mobility.status in ctx.ATTENDED_STATUSES,
            "next": request.get_full_path(),
        },
        request=request,
    )


def group_progress_context(*, group: MobilityGroup) -> dict[str, Any]:
    mobilities = list(selectors.group_mobilities(group=group))
    current = list(selectors.current_certificates(mobility_ids=[m.pk for m in mobilities]))
    ready = sum(1 for c in current if c.status == CertificateStatus.READY)
    failed = sum(1 for c in current if c.status == CertificateStatus.FAILED)
    total = len(current)
    latest = group.certificate_issues.order_by("-created_at", "-id").first()
    issuing = latest if latest is not None and latest.is_active else None
    if issuing is not None:  # the certificates a worker has still to issue count as pending
        total += selectors.issuable_mobilities(mobilities=Mobility.objects.filter(group=group)).count()
    return {
        "group": group,
        "ready": ready,
        "failed": failed,
        "total": total,
        "issuing": issuing,
        "issue_failed": latest if latest is not None and latest.status == IssueStatus.FAILED else None,
        "pending": total - ready - failed,
        "percent": int(100 * ready / total) if total else 0,
    }


def _bundle_jobs(centre_id: int, **target) -> list:
    jobs = selectors.latest_jobs(centre_id=centre_id, **target)
    return [jobs[kind] for kind in BUNDLE_KINDS if kind in jobs]


@panels.register("group_detail", order=80)
def group_documents(request: HttpRequest, group: MobilityGroup) -> str | None:
    """Issue every certificate of the group; the group's certificates as one ZIP or one PDF."""
    if not _can_view(request, group.centre_id):
        return None
    group = selectors.group_get_for_user(user=_user(request), pk=group.pk)
    issuable = selectors.issuable_mobilities(mobilities=Mobility.objects.filter(group=group)).count()
    return render_to_string(
        "certification/_group_panel.html",
        {
            **group_progress_context(group=group),
            "issuable": issuable,
            "can_issue": selectors.can_issue(_user(request), group.centre_id),
            "issue_form": GroupIssueForm(),
            "bundle_form": BundleForm(),
            "bundle_jobs": _bundle_jobs(group.centre_id, group=group),
            "next": request.get_full_path(),
        },
        request=request,
    )


@panels.register("project_detail", order=80)
def project_documents(request: HttpRequest, project: Project) -> str | None:
    """The project's certificates, bundled per centre of the user's."""
    access = get_access(_user(request))
    centres = []
    for centre_id, name in (
        Mobility.objects.filter(project=project, centre_id__in=access.centre_ids)
        .values_list("centre_id", "centre__name")
        .distinct()
        .order_by("centre__name")
    ):
        count = selectors.current_certificates(
            mobility_ids=Mobility.objects.filter(project=project, centre_id=centre_id).values("pk")
        ).count()
        centres.append(
            {
                "id": centre_id,
                "name": name,
                "certificates": count,
                "can_issue": access.can(Capability.ISSUE_CERTIFICATES, centre_id),
                "jobs": _bundle_jobs(centre_id, project=project),
            }
        )
    if not centres:
        return None
    return render_to_string(
        "certification/_project_panel.html",
        {"project": project, "centres": centres, "next": request.get_full_path()},
        request=request,
    )


#: The mobility's steps after which a learner looks for their certificate.
_CERTIFICATE_EXPECTED = (MobilityStatus.EVALUATED, MobilityStatus.CERTIFIED)


@panels.register("guest_mobility", order=60)
def learner_certificate_panel(request: HttpRequest, grant: Any) -> str | None:
    """The learner's own certificate in their space; nothing for tutors and employers."""
    if grant.role != GuestRole.LEARNER:
        return None
    certificate = selectors.certificate_for_learner(mobility_id=grant.mobility_id)
    if (
        certificate is None
        and not Mobility.objects.filter(pk=grant.mobility_id, status__in=_CERTIFICATE_EXPECTED).exists()
    ):
        return None
    return render_to_string(
        "certification/_guest_certificate.html",
        {
            "certificate": certificate,
            "mobility_id": grant.mobility_id,
            "verify_url": documents.verification_url(certificate.number) if certificate else "",
        },
        request=request,
    )
