"""Reads of quality statuses and labels, scoped to the organisations the user may see."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from partners.accounts.access import get_access
from partners.directory.selectors import _visible_organisations
from partners.quality.models import LABEL_NOTICE_DAYS, HostStatus, QualityLabel


def host_status_of(*, organisation_id: int) -> HostStatus | None:
    return HostStatus.objects.filter(organisation_id=organisation_id).select_related("set_by").first()


def labels_of(*, organisation_id: int) -> list[QualityLabel]:
    return list(QualityLabel.objects.filter(organisation_id=organisation_id).order_by("-awarded_on", "-id"))


def labels_expiring_for_user(*, user: Any, within_days: int = LABEL_NOTICE_DAYS) -> QuerySet[QualityLabel]:
    """Labels still valid today that end within ``within_days`` on organisations the user sees."""
    today = timezone.localdate()
    visible = _visible_organisations(get_access(user)).values("pk")
    return (
        QualityLabel.objects.filter(organisation_id__in=visible)
        .filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=within_days))
        .select_related("organisation")
        .order_by("expires_on", "id")
    )
