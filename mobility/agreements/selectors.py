"""Reads of learning agreements and signatures, scoped to the user's centres."""

from __future__ import annotations

from typing import Any

from mobility.agreements.models import LearningAgreement, Signature
from mobility.mobilities.models import Mobility
from partners.accounts.access import get_access, hidden


def _centres(user: Any) -> frozenset[int]:
    return get_access(user).centre_ids


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
            .select_related("mobility", "mobility__participant", "mobility__centre", "mobility__host_tutor")
            .prefetch_related("units", "signatures", "outcomes__unit")
            .get(pk=int(pk))
        )
    except (LearningAgreement.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(LearningAgreement, pk) from exc


def signature_get_for_user(*, user: Any, pk: Any) -> Signature:
    try:
        return (
            Signature.objects.filter(agreement__mobility__centre_id__in=_centres(user))
            .select_related("agreement", "agreement__mobility")
            .get(pk=int(pk))
        )
    except (Signature.DoesNotExist, ValueError, TypeError) as exc:
        raise hidden(Signature, pk) from exc
