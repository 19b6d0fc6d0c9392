"""Demo certificates: the demo's certified mobilities get their certificate, rendered and stored, so
that a newcomer can open one and its verification page at once."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from certification.services.certificates import certificate_blockers, certificate_issue
from certification.services.renders import document_job_run
from mobility.mobilities.models import Mobility, MobilityStatus
from partners.accounts.access import get_access
from partners.accounts.models import Membership, User
from partners.accounts.roles import Capability

from .models import Certificate, DocumentJob, JobStatus

logger = logging.getLogger(__name__)


def _issuer_for(mobility: Mobility) -> User | None:
    """A person of the mobility's centre (or of its chamber) who may issue certificates."""
    organisations = [mobility.centre_id, mobility.centre.parent_id, mobility.centre.network_id]
    for membership in (
        Membership.objects.filter(is_active=True, user__is_active=True)
        .filter(Q(organisation_id__in=[o for o in organisations if o]))
        .select_related("user")
        .order_by("role", "pk")
    ):
        if get_access(membership.user).can(Capability.ISSUE_CERTIFICATES, mobility.centre_id):
            return membership.user
    return None


def seed(context: dict[str, Any]) -> None:
    out = context.get("stdout")
    issued: list[Certificate] = []
    mobilities = (
        Mobility.objects.filter(status=MobilityStatus.CERTIFIED, certificates__isnull=True)
        .select_related("centre", "participant", "host_tutor")
        .prefetch_related("evaluations")
        .order_by("pk")
    )
    for mobility in mobilities:
        if certificate_blockers(mobility=mobility):
            continue
        issuer = _issuer_for(mobility)
        if issuer is None:
            continue
        certificate = certificate_issue(mobility=mobility, acting_user=issuer, bilingual=len(issued) % 2 == 1)
        # Rendered here, through the same service a worker runs: the files exist when seeding ends.
        document_job_run(job_id=certificate.job.pk)
        certificate.refresh_from_db()
        issued.append(certificate)
    failed = DocumentJob.objects.filter(certificate__in=issued).exclude(status=JobStatus.READY).count()
    if out is not None and issued:
        out.write(f"Certificates: {len(issued)} issued ({failed} not rendered).")
    ready = next((c for c in issued if c.status == "ready"), None) or (
        Certificate.objects.filter(status="ready", superseded_at__isnull=True).order_by("pk").first()
    )
    if ready is not None:
        context.setdefault("notes", []).append(verify_note(ready.number))


def verify_note(number: str) -> str:
    """The line of the start-up summary: a full address one can click in a terminal."""
    url = settings.SITE_URL.rstrip("/") + reverse("certification:verify", args=[number])
    return f"  A certificate to verify: {url}"
