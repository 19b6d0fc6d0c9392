"""Asking for a group's certificates: a small group is issued at once, a large one is recorded as a
``GroupIssue`` that a worker carries out.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest

from certification.models import (
    Certificate,
    GroupIssue,
    IssueStatus,
)
from certification.selectors import issuable_mobilities
from certification.services.issuing import group_certificates_issue
from certification.services.jobs import publish_row
from mobility.mobilities.models import Mobility, MobilityGroup
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record
from partners.broker.models import RecoveryCause
from partners.broker.services import recovery_record


def group_certificates_request(
    *, group: MobilityGroup, acting_user: User, bilingual: bool = False, request: HttpRequest | None = None
) -> tuple[list[Certificate], GroupIssue | None]:
    """The group page's "issue every certificate". A group of up to GROUP_ISSUE_IN_REQUEST waiting
    mobilities is issued here and now; a larger one is recorded as a ``GroupIssue`` that a worker
    carries out (``group_issue_run``), so that the request answers at once. A second request while one
    is under way returns it (a double click issues once)."""
    require_capability(acting_user, Capability.ISSUE_CERTIFICATES, group.centre_id)
    waiting = issuable_mobilities(mobilities=Mobility.objects.filter(group=group)).count()
    if waiting <= settings.GROUP_ISSUE_IN_REQUEST:
        return (
            group_certificates_issue(
                group=group, acting_user=acting_user, bilingual=bilingual, request=request
            ),
            None,
        )
    with transaction.atomic():
        MobilityGroup.objects.select_for_update().filter(pk=group.pk).first()
        active = GroupIssue.objects.filter(
            group=group, status__in=[IssueStatus.REQUESTED, IssueStatus.ISSUING]
        ).first()
        if active is not None:
            return [], active
        issue = GroupIssue.objects.create(
            centre_id=group.centre_id,
            group=group,
            bilingual=bilingual,
            total=waiting,
            requested_by=acting_user,
        )
        audit_record(
            action="certificate.group_issue",
            actor=acting_user,
            target=group,
            centre_id=group.centre_id,
            data={"certificates": waiting, "bilingual": bilingual},
            request=request,
        )
        transaction.on_commit(lambda: _publish_group_issue(issue.pk))
    return [], issue


def active_group_issue(*, group: MobilityGroup) -> GroupIssue | None:
    return (
        GroupIssue.objects.filter(group=group, status__in=[IssueStatus.REQUESTED, IssueStatus.ISSUING])
        .order_by("-created_at")
        .first()
    )


def _publish_group_issue(issue_id: int) -> bool:
    from certification.tasks.groups import issue_group_certificates

    return publish_row(issue_group_certificates, GroupIssue, issue_id)


def group_issues_republish_stale(*, grace, stale) -> int:
    ids = list(
        GroupIssue.objects.filter(
            Q(status=IssueStatus.REQUESTED, published_at__isnull=True, created_at__lt=grace)
            | Q(status=IssueStatus.REQUESTED, published_at__lt=stale)
            | Q(status=IssueStatus.ISSUING, started_at__lt=stale)
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:100]
    )
    published = sum(1 for pk in ids if _publish_group_issue(pk))
    recovery_record(kind="group issue", cause=RecoveryCause.STALE, count=published)
    return published
