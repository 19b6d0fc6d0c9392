"""Which organisations and contacts a user may pick in API writes (employer, host, tutor…)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from partners.accounts.access import get_access
from partners.directory.models import TENANT_KINDS, Contact, Organisation


def organisations_for(user: Any) -> QuerySet[Organisation]:
    access = get_access(user)
    return Organisation.objects.filter(
        Q(id__in=access.org_ids)
        | Q(network_id__in=access.network_ids)
        | Q(owner_centre_id__in=access.centre_ids)
        | (Q(network__isnull=True) & ~Q(kind__in=TENANT_KINDS))
    )


def contacts_for(user: Any) -> QuerySet[Contact]:
    return Contact.objects.filter(organisation__in=organisations_for(user))
