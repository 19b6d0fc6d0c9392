"""Reads of partnership agreements, scoped to the user's networks, and those expiring soon."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils import timezone

from partners.accounts.access import Access, get_access, not_visible
from partners.accounts.roles import Capability
from partners.agreements.models import EXPIRY_NOTICE_DAYS, PartnershipAgreement
from partners.directory.models import (
    Organisation,
)


def require(user: Any, capability: Capability, org_id: int | None = None) -> Access:
    """The user's access when they hold ``capability`` (at ``org_id``, or anywhere); a 403 otherwise."""
    access = get_access(user)
    if not access.can(capability, org_id):
        raise PermissionDenied
    return access


# --- Agreements -------------------------------------------------------------------------------
def _visible_agreements(access: Access) -> QuerySet[PartnershipAgreement]:
    return PartnershipAgreement.objects.filter(owner_centre_id__in=access.org_ids)


def agreement_list_for_user(
    *, user: Any, q: str = "", state: str = "", partner_id: int | None = None
) -> QuerySet[PartnershipAgreement]:
    """Agreements of the centres (and chambers) the user belongs to, soonest ending first."""
    access = require(user, Capability.VIEW)
    qs = _visible_agreements(access).select_related("owner_centre").prefetch_related("partners")
    today = timezone.localdate()
    if q:
        qs = qs.filter(
            Q(title__icontains=q) | Q(reference__icontains=q) | Q(partners__name__icontains=q)
        ).distinct()
    if partner_id is not None:
        qs = qs.filter(Q(partners=partner_id) | Q(owner_centre=partner_id)).distinct()
    if state == "current":
        qs = qs.filter(valid_from__lte=today, valid_until__gte=today)
    elif state == "expiring":
        qs = qs.filter(
            valid_from__lte=today,
            valid_until__gte=today,
            valid_until__lte=today + timedelta(days=EXPIRY_NOTICE_DAYS),
        )
    elif state == "expired":
        qs = qs.filter(valid_until__lt=today)
    elif state == "upcoming":
        qs = qs.filter(valid_from__gt=today)
    return qs.order_by("valid_until", "title", "id")


def agreement_expiring_for_user(
    *, user: Any, within_days: int = EXPIRY_NOTICE_DAYS
) -> QuerySet[PartnershipAgreement]:
    """Agreements still valid today that end within ``within_days``: the referent renews them."""
    access = get_access(user)
    today = timezone.localdate()
    return (
        _visible_agreements(access)
        .filter(valid_until__gte=today, valid_until__lte=today + timedelta(days=within_days))
        .select_related("owner_centre")
        .prefetch_related("partners")
        .order_by("valid_until", "id")
    )


def agreement_list_for_organisation(
    *, user: Any, organisation: Organisation
) -> QuerySet[PartnershipAgreement]:
    """The agreements the user may see that involve ``organisation`` (as partner or owner)."""
    access = get_access(user)
    return (
        _visible_agreements(access)
        .filter(Q(partners=organisation) | Q(owner_centre=organisation))
        .distinct()
        .select_related("owner_centre")
        .prefetch_related("partners")
        .order_by("valid_until", "id")
    )


def agreement_get_for_user(*, user: Any, pk: Any) -> PartnershipAgreement:
    access = get_access(user)
    agreement = (
        _visible_agreements(access)
        .select_related("owner_centre")
        .prefetch_related("partners")
        .filter(pk=pk)
        .first()
    )
    if agreement is None:
        raise not_visible(PartnershipAgreement, pk)
    return agreement


def agreement_can_edit(*, user: Any, agreement: PartnershipAgreement) -> bool:
    return get_access(user).can(Capability.EDIT_PARTNERS, agreement.owner_centre_id)
