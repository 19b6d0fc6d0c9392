"""The centre's recognition of the units assessed abroad, decided unit by unit after return."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.evaluations.models import (
    Recognition,
    RecognitionDecision,
)
from mobility.learners.models import Unit
from mobility.mobilities.models import Mobility, MobilityStatus
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record

# --- Recognition ----------------------------------------------------------------------------------
AFTER_RETURN = (
    MobilityStatus.COMPLETED,
    MobilityStatus.INTERRUPTED,
    MobilityStatus.EVALUATED,
    MobilityStatus.CERTIFIED,
)


def recognition_units(*, mobility: Mobility) -> list[Unit]:
    """Units the centre decides on: those of the learning agreement, else the qualification's."""
    agreement = mobility.agreements.exclude(status="superseded").order_by("-version").first()
    units: dict[int, Unit] = {}
    if agreement is not None:
        for unit in agreement.units.all():
            units[unit.pk] = unit
        for outcome in agreement.outcomes.select_related("unit"):
            if outcome.unit is not None:
                units.setdefault(outcome.unit.pk, outcome.unit)
    if not units and mobility.participant.qualification_id:
        units = {u.pk: u for u in Unit.objects.filter(qualification_id=mobility.participant.qualification_id)}
    return sorted(units.values(), key=lambda u: (u.order, u.code))


def recognition_record(
    *,
    mobility: Mobility,
    decisions: list[dict[str, Any]],
    acting_user: User,
    request: HttpRequest | None = None,
) -> list[Recognition]:
    """Records the centre's decision per unit after return (recognised or not, on a date); an empty
    decision withdraws an earlier one. Each change is audited."""
    require_capability(acting_user, Capability.VALIDATE_EVALUATIONS, mobility.centre_id)
    if mobility.status not in AFTER_RETURN:
        raise ValidationError(_("Recognition is decided after the learner's return."))
    allowed = {u.pk: u for u in recognition_units(mobility=mobility)}
    today = timezone.localdate()
    errors: dict[str, str] = {}
    for row in decisions:
        unit = row["unit"]
        if unit.pk not in allowed:
            errors[f"unit-{unit.pk}"] = _("This unit is not part of the mobility.")
            continue
        decided_on: date | None = row.get("decided_on")
        if row.get("decision"):
            if row["decision"] not in RecognitionDecision.values:
                errors[f"unit-{unit.pk}"] = _("Choose recognised or not recognised.")
            elif decided_on is None:
                errors[f"unit-{unit.pk}"] = _("%(unit)s: give the date of the decision.") % {
                    "unit": unit.code
                }
            elif decided_on > today:
                errors[f"unit-{unit.pk}"] = _("%(unit)s: the decision cannot be dated in the future.") % {
                    "unit": unit.code
                }
            elif decided_on < mobility.start:
                errors[f"unit-{unit.pk}"] = _("%(unit)s: the decision is dated before the mobility.") % {
                    "unit": unit.code
                }
    if errors:
        raise ValidationError(errors)
    saved: list[Recognition] = []
    with transaction.atomic():
        Mobility.objects.select_for_update(of=("self",)).filter(pk=mobility.pk).first()
        current = {r.unit_id: r for r in Recognition.objects.filter(mobility=mobility)}
        for row in decisions:
            unit, decision = row["unit"], row.get("decision") or ""
            existing = current.get(unit.pk)
            if not decision:
                if existing is not None:
                    audit_record(
                        action="recognition.withdraw",
                        actor=acting_user,
                        target=existing,
                        centre_id=mobility.centre_id,
                        data={"unit": unit.pk},
                        request=request,
                    )
                    existing.delete()
                continue
            comment = (row.get("comment") or "").strip()
            if existing is not None and (existing.decision, existing.decided_on, existing.comment) == (
                decision,
                row["decided_on"],
                comment,
            ):
                saved.append(existing)
                continue
            before = existing.decision if existing else None
            recognition = existing or Recognition(mobility=mobility, unit=unit)
            recognition.decision = decision
            recognition.decided_on = row["decided_on"]
            recognition.comment = comment
            recognition.decided_by = acting_user
            recognition.full_clean()
            recognition.save()
            audit_record(
                action="recognition.record",
                actor=acting_user,
                target=recognition,
                centre_id=mobility.centre_id,
                data={"unit": unit.pk, "decision": [before, decision]},
                request=request,
            )
            saved.append(recognition)
    return saved
