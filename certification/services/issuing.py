"""Carrying out a group issue (worker side): the certificates issued a batch at a time, each batch
committed and its renders published together; run once whatever the number of deliveries.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import (
    Certificate,
    GroupIssue,
    IssueStatus,
)
from certification.selectors import issuable_mobilities, mobilities_for_certificates
from certification.services.certificates import certificate_issue, certificates_issue_together
from certification.services.jobs import CertificationError
from certification.services.renders import render_lock
from mobility.mobilities.models import Mobility, MobilityGroup
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability

logger = logging.getLogger(__name__)


def group_certificates_issue(
    *, group: MobilityGroup, acting_user: User, bilingual: bool = False, request: HttpRequest | None = None
) -> list[Certificate]:
    """Issues the certificates of every evaluated mobility of a group that has none.

    Each certificate is committed, and its job published, on its own: workers start rendering the
    first ones while the next are issued, and a request cut short leaves the certificates issued so
    far, not none (issuing again issues the rest).
    """
    require_capability(acting_user, Capability.ISSUE_CERTIFICATES, group.centre_id)
    issued = []
    ids = list(
        issuable_mobilities(mobilities=Mobility.objects.filter(group=group))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for mobility, read in _in_batches(ids):
        issued.append(
            certificate_issue(
                mobility=mobility, acting_user=acting_user, bilingual=bilingual, request=request, read=read
            )
        )
    return issued


#: How many mobilities of a group are read at once for their certificates (the first batch's renders
#: start while the next is read).
ISSUE_BATCH = 25


def _in_batches(ids: list[int]):
    """(mobility, the same with what its certificate prints) for each id, read ``ISSUE_BATCH`` at a
    time: two queries and one per related list for a batch, instead of as many per certificate."""
    for start in range(0, len(ids), ISSUE_BATCH):
        batch = ids[start : start + ISSUE_BATCH]
        read = mobilities_for_certificates(mobility_ids=batch)
        for mobility_id in batch:
            if mobility_id in read:
                yield read[mobility_id], read[mobility_id]


_ISSUE_LOCK_NAMESPACE = 0x47495353 << 32  # "GISS"


def group_issue_run(*, issue_id: int) -> GroupIssue | None:
    """Issues the group's waiting certificates a batch at a time, each batch written in a few
    statements, committed and published together (workers render the first batch while the next is
    issued). Run once whatever the number of deliveries; a run cut short is taken up again by the
    next delivery or the sweeper and issues only what is still waiting. None when another worker is
    carrying it out right now."""
    with render_lock(issue_id, namespace=_ISSUE_LOCK_NAMESPACE) as acquired:
        if not acquired:
            return None
        with transaction.atomic():
            issue = GroupIssue.objects.select_for_update().filter(pk=issue_id).select_related("group").first()
            if issue is None or not issue.is_active:
                return issue
            if issue.attempts >= settings.DOCUMENT_JOB_MAX_ATTEMPTS:
                return _group_issue_end(
                    issue,
                    IssueStatus.FAILED,
                    _("The issuing stopped %(n)s times before finishing.") % {"n": issue.attempts},
                )
            issue.status = IssueStatus.ISSUING
            issue.attempts += 1
            issue.started_at = timezone.now()
            issue.save(update_fields=["status", "attempts", "started_at", "updated_at"])
        user = issue.requested_by
        if user is None or not user.is_active:
            return _group_issue_end(
                issue, IssueStatus.FAILED, _("The person who asked for them has no account any more.")
            )
        mobilities = issuable_mobilities(mobilities=Mobility.objects.filter(group=issue.group)).order_by("pk")
        ids = list(mobilities.values_list("pk", flat=True))
        for start in range(0, len(ids), ISSUE_BATCH):
            batch = ids[start : start + ISSUE_BATCH]
            try:
                issued = _issue_batch(batch, user=user, bilingual=issue.bilingual)
            except PermissionDenied:
                return _group_issue_end(
                    issue,
                    IssueStatus.FAILED,
                    _("The person who asked for them may no longer issue certificates."),
                )
            GroupIssue.objects.filter(pk=issue.pk).update(
                issued=F("issued") + issued, updated_at=timezone.now()
            )
        return _group_issue_end(issue, IssueStatus.DONE, "")


def _issue_batch(batch: list[int], *, user: User, bilingual: bool) -> int:
    """Issues one batch of a group's certificates together (``certificates_issue_together``); how many
    were issued. The rare number drawn twice sends the batch one by one instead."""
    reads = mobilities_for_certificates(mobility_ids=batch)
    try:
        issued, left_out = certificates_issue_together(
            mobility_ids=batch, acting_user=user, bilingual=bilingual, reads=reads
        )
    except IntegrityError:
        issued, left_out = [], {}
        for mobility_id in batch:
            if mobility_id not in reads:
                continue
            try:
                issued.append(
                    certificate_issue(
                        mobility=reads[mobility_id],
                        acting_user=user,
                        bilingual=bilingual,
                        read=reads[mobility_id],
                    )
                )
            except CertificationError as error:
                left_out[mobility_id] = str(error.messages[0])
    for mobility_id, why in left_out.items():  # changed since the request: the others go on
        logger.info("group issue: mobility %s not issued: %s", mobility_id, why)
    return len(issued)


def _group_issue_end(issue: GroupIssue, status: str, error: str) -> GroupIssue:
    GroupIssue.objects.filter(pk=issue.pk).update(
        status=status, error=error, finished_at=timezone.now(), updated_at=timezone.now()
    )
    issue.refresh_from_db()
    return issue
