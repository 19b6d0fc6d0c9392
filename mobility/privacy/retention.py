"""Storage limitation: the nightly sweep that anonymises learners past ``RETENTION_YEARS`` and deletes
documents past their type's retention.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.db.models.functions import Coalesce
from django.db.models.query import QuerySet
from django.utils import timezone

from mobility.documents.models import Document
from mobility.learners.models import Learner
from mobility.mobilities.models import MobilityStatus
from mobility.privacy.erasure import learner_erase
from partners.audit.services import audit_record

# --- Storage limitation ------------------------------------------------------------------------------
_OPEN_STATUSES = (MobilityStatus.CONFIRMED, MobilityStatus.IN_PROGRESS)


def retention_cutoff(today: date | None = None) -> date:
    today = today or timezone.localdate()
    years = settings.RETENTION_YEARS
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def learners_due_for_anonymisation(today: date | None = None) -> QuerySet[Learner]:
    """Learners whose last mobility ended before the cut-off, or who never went and were
    recorded before it; never someone with a mobility still open."""
    cutoff = retention_cutoff(today)
    return (
        Learner.objects.filter(anonymised_at__isnull=True)
        .annotate(last_end=Max(Coalesce("mobilities__actual_end", "mobilities__planned_end")))
        .filter(Q(last_end__lt=cutoff) | Q(last_end__isnull=True, created_at__date__lt=cutoff))
        .exclude(mobilities__status__in=_OPEN_STATUSES)
        .order_by("centre_id", "pk")
    )


def documents_due_for_deletion(today: date | None = None) -> list[Document]:
    """Documents whose type sets a retention period that has passed since the mobility ended
    (or, for a document of no mobility, since it was uploaded)."""
    today = today or timezone.localdate()
    due = []
    candidates = Document.objects.filter(
        document_type__retention_days__isnull=False, learner__anonymised_at__isnull=True
    ).select_related("document_type", "mobility")
    for document in candidates.iterator():
        if document.mobility_id:
            mobility = document.mobility
            if mobility.status in _OPEN_STATUSES:
                continue
            start = mobility.actual_end or mobility.planned_end
        else:
            start = timezone.localdate(document.created_at)
        if start + timedelta(days=document.document_type.retention_days) < today:
            due.append(document)
    return due


@dataclass
class RetentionPlan:
    cutoff: date
    learners: list[Learner]
    documents: list[Document]


def retention_plan(today: date | None = None) -> RetentionPlan:
    today = today or timezone.localdate()
    return RetentionPlan(
        cutoff=retention_cutoff(today),
        learners=list(learners_due_for_anonymisation(today).select_related("centre")),
        documents=documents_due_for_deletion(today),
    )


def retention_apply(plan: RetentionPlan) -> dict[str, int]:
    """Carries out ``plan``: each learner in its own transaction (one failure stops nothing else)."""
    done = {"learners": 0, "documents": 0, "failed": 0}
    for learner in plan.learners:
        try:
            learner_erase(learner=learner, acting_user=None, reason="retention")
        except ValidationError:
            done["failed"] += 1
            continue
        done["learners"] += 1
    for document in plan.documents:
        with transaction.atomic():
            audit_record(
                action="document.expire",
                actor_label="retention",
                target=document,
                centre_id=document.centre_id,
                data={"type": document.document_type.code, "mobility": document.mobility_id},
            )
            storage, name = document.file.storage, document.file.name
            document.delete()
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        done["documents"] += 1
    if any(done.values()):
        audit_record(action="retention.run", actor_label="retention", data=done)
    return done
