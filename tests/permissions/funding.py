"""Matrix of the money pages: a mobility's grant, its payments, the payments due, the rate tables."""

from __future__ import annotations

import datetime
from decimal import Decimal

from .base import Route, expect, world_object
from .mobility import EDIT, LIST, OBJECT, POST_ACTS, pk


@world_object
def grant_payment(w):
    from mobility.funding.models import GrantPayment, MobilityFunding

    funding, _ = MobilityFunding.objects.get_or_create(mobility=w.mobility)
    return GrantPayment.objects.create(
        funding=funding, kind="prefinancing", due_on=datetime.date(2026, 2, 23), amount=Decimal("800")
    )


@world_object
def network_rate_table(w):
    from mobility.funding.models import RateTable

    return RateTable.objects.create(network=w.centre_a.parent, call_year=2024)


# A network's rate tables: its administrators only.
NETWORK_ADMIN = expect(referent_b=403, readonly_a=403, referent_a=403, chamber_admin=200, operator=403)

ROUTES = [
    Route("mobility:rate-table-create", NETWORK_ADMIN),
    Route("mobility:rate-table-edit", NETWORK_ADMIN, kwargs=pk("network_rate_table")),
    Route("mobility:grant-edit", EDIT, kwargs=pk("mobility")),
    Route("mobility:grant-sign", EDIT, kwargs=pk("mobility")),
    # Without a project the grant cannot be computed: the page says so (a message) and goes back.
    Route("mobility:grant-issue", POST_ACTS, kwargs=pk("mobility"), method="post"),
    Route("mobility:payment-paid", EDIT, kwargs=pk("grant_payment")),
    Route("mobility:payments-due", LIST),
    Route("mobility:project-budget-export", OBJECT, kwargs=pk("project")),
    Route("mobility:rate-table-list", LIST),
]

# The documents (rendered by the workers): refused with a message while the grant is not issued or
# the apprentice's contract dates are missing, and back to the page.
_DOC_ACT = {**POST_ACTS}
ROUTES += [
    Route(
        "certification:grant-agreement-request",
        _DOC_ACT,
        kwargs=lambda w: {"mobility_id": w.mobility.pk},
        method="post",
    ),
    Route(
        "certification:apprentice-agreement-request",
        _DOC_ACT,
        kwargs=lambda w: {"mobility_id": w.mobility.pk},
        method="post",
    ),
]
