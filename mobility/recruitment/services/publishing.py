"""Telling an open call to the eligible learners of its centres: one e-mail per learner and call, in the
learner's language, never twice; learners without an e-mail are named as not reachable."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from mobility.recruitment import selectors
from mobility.recruitment.models import Call, CallNotice, CallStatus
from partners.accounts.models import User
from partners.audit.services import audit_record
from partners.emails.services import email_queue


@dataclass
class TellResult:
    told: int = 0
    already: int = 0
    unreachable: list[Any] = field(default_factory=list)


def call_apply_url(call: Call) -> str:
    return settings.SITE_URL + reverse("recruitment:call", kwargs={"key": call.public_key})


def call_tell_learners(*, call: Call, acting_user: User, request: Any = None) -> TellResult:
    """E-mails each eligible learner not told yet about this open call (a second run tells only those
    who became eligible since). The call's row is locked: two referents clicking at once send once."""
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if locked.status != CallStatus.OPEN:
            raise ValidationError({"status": _("Only an open call can be told to the learners.")})
        told_ids = set(CallNotice.objects.filter(call=locked).values_list("learner_id", flat=True))
        result = TellResult()
        for learner in selectors.call_eligible_learners(call=locked):
            if learner.pk in told_ids:
                result.already += 1
                continue
            if not learner.email:
                result.unreachable.append(learner)
                continue
            language = learner.preferred_language or settings.LANGUAGE_CODE
            CallNotice.objects.create(call=locked, learner=learner, language=language, told_by=acting_user)
            title, _description = locked.text(language)
            email_queue(
                kind="call_published",
                to=learner.email,
                to_name=learner.full_name,
                template="recruitment/call_published",
                context={
                    "learner": learner,
                    "call": locked,
                    "call_title": title,
                    "closes_on": locked.closes_on,
                    "url": call_apply_url(locked),
                },
                language=language,
                centre_id=learner.centre_id,
                related=locked,
                sent_by=acting_user,
            )
            result.told += 1
        audit_record(
            action="call.tell_learners",
            actor=acting_user,
            target=locked,
            centre_id=locked.centre_id,
            data={"told": result.told, "already": result.already, "unreachable": len(result.unreachable)},
            request=request,
        )
    return result
