"""What the funding records keep about a learner, for the archive and the erasure: the amounts stay
(statistics and the grant's accounts), the signers' names and the signed scans go."""

from __future__ import annotations

from typing import Any

from mobility.funding.models import FundingSignature, GrantPayment, MobilityFunding
from mobility.privacy.holders import Attach, Drop, Holder


def funding_erase(mobility_ids: list[int], drop: Drop) -> int:
    signatures = list(FundingSignature.objects.filter(funding__mobility_id__in=mobility_ids))
    for signature in signatures:
        if signature.scan:
            drop(signature.scan)
    FundingSignature.objects.filter(pk__in=[s.pk for s in signatures]).delete()
    GrantPayment.objects.filter(funding__mobility_id__in=mobility_ids).update(reference="")
    return MobilityFunding.objects.filter(mobility_id__in=mobility_ids).count()


def funding_export(mobility: Any, attach: Attach) -> list[dict[str, Any]]:
    funding = MobilityFunding.objects.filter(mobility=mobility).first()
    if funding is None:
        return []
    return [
        {
            "grant": funding.frozen,
            "issued_at": funding.issued_at,
            "payments": [
                {"kind": p.kind, "due_on": p.due_on, "amount": str(p.amount), "paid_on": p.paid_on}
                for p in funding.payments.all()
            ],
            "signatures": [
                {
                    "document": s.document,
                    "party": s.party,
                    "signer_name": s.signer_name,
                    "signed_at": s.signed_at,
                    "scan": attach("signatures", s.scan, s.scan.name.rsplit("/", 1)[-1]) if s.scan else None,
                }
                for s in funding.signatures.all()
            ],
        }
    ]


FUNDING = Holder(name="grant", busy=lambda ids: None, erase=funding_erase, export=funding_export)
