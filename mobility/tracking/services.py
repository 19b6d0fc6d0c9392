"""Checklists generated per activity type and rescheduled with the dates; follow-ups scheduled from the
duration and recorded by the referent, the tutor or the learner.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.catalogue.models import Anchor
from mobility.mobilities.models import Mobility
from mobility.tracking.models import ChecklistItem, FollowUp
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record


# --- Checklist --------------------------------------------------------------------------------
def _due(template_days: int, anchor: str, mobility: Mobility) -> date:
    if anchor == Anchor.AFTER_START:
        return mobility.planned_start + timedelta(days=template_days)
    if anchor == Anchor.AFTER_END:
        return mobility.planned_end + timedelta(days=template_days)
    return mobility.planned_start - timedelta(days=template_days)


def checklist_generate(*, mobility: Mobility) -> list[ChecklistItem]:
    """Creates the five-step tasks of the mobility from its activity type's templates (once)."""
    if mobility.checklist.filter(template__isnull=False).exists():
        return list(mobility.checklist.all())
    from mobility.documents.selectors import document_applies, participant_is_minor

    minor = participant_is_minor(mobility)
    items = [
        ChecklistItem(
            mobility=mobility,
            template=t,
            step=t.step,
            title=t.name,
            assignee=t.assignee,
            document_type=t.document_type,
            due_date=_due(t.days, t.anchor, mobility),
            order=t.order,
        )
        for t in mobility.activity_type.checklist_items.select_related("document_type")
        # The rule of required documents: no "minors only" document asked of an adult.
        if t.document_type is None or document_applies(t.document_type, minor=minor)
    ]
    return ChecklistItem.objects.bulk_create(items)


def checklist_reschedule(*, mobility: Mobility) -> None:
    """After a change of dates, open tasks move with the mobility."""
    for item in mobility.checklist.filter(done_at__isnull=True, template__isnull=False).select_related(
        "template"
    ):
        item.due_date = _due(item.template.days, item.template.anchor, mobility)
        item.save(update_fields=["due_date"])


def checklist_item_set_done(
    *,
    item: ChecklistItem,
    done: bool,
    acting_user: User | None,
    actor_label: str = "",
    request: HttpRequest | None = None,
) -> ChecklistItem:
    if acting_user is not None:
        require_capability(acting_user, Capability.MANAGE_LEARNERS, item.mobility.centre_id)
    with transaction.atomic():
        item = (
            ChecklistItem.objects.select_for_update(of=("self",)).select_related("mobility").get(pk=item.pk)
        )
        if done == item.is_done:
            return item
        item.done_at = timezone.now() if done else None
        item.done_by = acting_user if done else None
        item.done_by_label = (actor_label or (str(acting_user) if acting_user else ""))[:200] if done else ""
        item.save(update_fields=["done_at", "done_by", "done_by_label"])
        audit_record(
            action="checklist.done" if done else "checklist.undone",
            actor=acting_user,
            actor_label=actor_label,
            target=item,
            centre_id=item.mobility.centre_id,
            request=request,
        )
    return item


def checklist_item_add(
    *, mobility: Mobility, step: str, title: str, due_date: date | None, assignee: str, acting_user: User
) -> ChecklistItem:
    require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    item = ChecklistItem(
        mobility=mobility, step=step, title=title, due_date=due_date, assignee=assignee, order=999
    )
    item.full_clean()
    item.save()
    audit_record(action="checklist.add", actor=acting_user, target=item, centre_id=mobility.centre_id)
    return item


# --- Follow-ups -------------------------------------------------------------------------------
def followup_interval(mobility: Mobility) -> int:
    if mobility.activity_type.followup_every_days:
        return mobility.activity_type.followup_every_days
    days = (mobility.planned_end - mobility.planned_start).days + 1
    if days < 30:
        return 7
    if days < 90:
        return 14
    return 30


def followups_schedule(*, mobility: Mobility) -> list[FollowUp]:
    """(Re)plans the check-ins not held yet: every interval from the start, inside the stay."""
    mobility.followups.filter(done_on__isnull=True).delete()
    held = set(mobility.followups.values_list("scheduled_for", flat=True))
    interval = followup_interval(mobility)
    start, end = mobility.planned_start, mobility.planned_end
    days = (end - start).days + 1
    if days < 3:
        return []
    dates = []
    day = start + timedelta(days=min(interval, max(1, days // 2)))
    while day < end:
        dates.append(day)
        day += timedelta(days=interval)
    rows = [FollowUp(mobility=mobility, scheduled_for=d) for d in dates if d not in held]
    return FollowUp.objects.bulk_create(rows)


FOLLOWUP_FIELDS = ("done_on", "channel", "notes", "wellbeing", "needs_attention")


def followup_record(
    *,
    mobility: Mobility,
    data: dict[str, Any],
    followup: FollowUp | None = None,
    acting_user: User | None,
    author_kind: str = "referent",
    author_label: str = "",
    request: HttpRequest | None = None,
) -> FollowUp:
    """Records a check-in that took place (a scheduled one, or an extra one)."""
    if acting_user is not None:
        require_capability(acting_user, Capability.MANAGE_LEARNERS, mobility.centre_id)
    values = {k: v for k, v in data.items() if k in FOLLOWUP_FIELDS}
    if not values.get("done_on"):
        raise ValidationError({"done_on": _("Say when the follow-up took place.")})
    if values["done_on"] > timezone.localdate():
        raise ValidationError({"done_on": _("A follow-up cannot be recorded in the future.")})
    with transaction.atomic():
        if followup is None:
            followup = FollowUp(mobility=mobility, scheduled_for=values["done_on"])
        elif followup.mobility_id != mobility.pk:
            raise ValidationError(_("This follow-up belongs to another mobility."))
        for name, value in values.items():
            setattr(followup, name, value)
        followup.author_kind = author_kind
        followup.author_label = (author_label or (str(acting_user) if acting_user else ""))[:200]
        followup.recorded_by = acting_user
        followup.full_clean()
        followup.save()
        audit_record(
            action="followup.record",
            actor=acting_user,
            actor_label=author_label,
            target=followup,
            centre_id=mobility.centre_id,
            request=request,
        )
    return followup
