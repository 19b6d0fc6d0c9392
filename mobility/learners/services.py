"""Every change to a learner or a parental consent: validated, audited, in one transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.documents.services import file_removed_on_failure
from mobility.learners.models import LEARNER_FIELDS, Learner, ParentalConsent
from mobility.mobilities.models import Mobility
from mobility.mobilities.services import check_centre
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record, model_save_changes, model_snapshot
from partners.directory.models import Organisation
from partners.uploads import check_upload


# --- Learners ---------------------------------------------------------------------------------
def _validate_learner_links(learner: Learner) -> None:
    if learner.employer_contact_id and learner.employer_id:
        if learner.employer_contact.organisation_id != learner.employer_id:
            raise ValidationError(
                {"employer_contact": _("This contact does not work for the chosen employer.")}
            )
    if learner.national_id:
        clash = Learner.objects.filter(centre_id=learner.centre_id, national_id=learner.national_id)
        if learner.pk:
            clash = clash.exclude(pk=learner.pk)
        if clash.exists():
            raise ValidationError({"national_id": _("Another learner of this centre already has this id.")})


def learner_create(
    *,
    centre: Organisation,
    data: dict[str, Any],
    acting_user: User | None,
    request: HttpRequest | None = None,
) -> Learner:
    """Adds a learner (or staff participant) to a centre the acting user manages."""
    check_centre(centre)
    require_capability(acting_user, Capability.MANAGE_LEARNERS, centre.pk)
    learner = Learner(centre=centre, **{k: v for k, v in data.items() if k in LEARNER_FIELDS})
    # The id's uniqueness is checked below with a message on the field, not the constraint's generic one.
    learner.full_clean(validate_constraints=False)
    _validate_learner_links(learner)
    with transaction.atomic():
        learner.save()
        audit_record(
            action="learner.create",
            actor=acting_user,
            target=learner,
            centre_id=centre.pk,
            data={"fields": sorted(k for k in data if k in LEARNER_FIELDS)},
            request=request,
        )
    return learner


def learner_update(
    *, learner: Learner, data: dict[str, Any], acting_user: User | None, request: HttpRequest | None = None
) -> Learner:
    require_capability(acting_user, Capability.MANAGE_LEARNERS, learner.centre_id)
    values = {k: v for k, v in data.items() if k in LEARNER_FIELDS}
    with transaction.atomic():
        learner = Learner.objects.select_for_update().get(pk=learner.pk)
        before = model_snapshot(learner, values)
        for name, value in values.items():
            setattr(learner, name, value)
        learner.full_clean(validate_constraints=False)
        _validate_learner_links(learner)
        model_save_changes(
            instance=learner,
            before=before,
            acting_user=acting_user,
            action="learner.update",
            centre_id=learner.centre_id,
            request=request,
        )
    return learner


def consent_record(
    *,
    learner: Learner,
    given_on: date,
    given_by: str,
    scan: Any = None,
    mobility: Mobility | None = None,
    acting_user: User | None,
    request: HttpRequest | None = None,
) -> ParentalConsent:
    """Records a guardian's consent for a minor, with the signed scan when there is one."""
    require_capability(acting_user, Capability.MANAGE_LEARNERS, learner.centre_id)
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("The consent cannot be dated in the future.")})
    if mobility is not None and mobility.participant_id != learner.pk:
        raise ValidationError({"mobility": _("This mobility is not the learner's.")})
    consent = ParentalConsent(
        learner=learner, mobility=mobility, given_on=given_on, given_by=given_by, recorded_by=acting_user
    )
    checked = check_upload(scan) if scan else None
    consent.full_clean(exclude=["scan"])
    with transaction.atomic(), file_removed_on_failure(consent, "scan"):
        if checked:
            consent.scan.save(checked.safe_name, checked.file, save=False)
        consent.save()
        audit_record(
            action="consent.record",
            actor=acting_user,
            target=consent,
            centre_id=learner.centre_id,
            request=request,
        )
    return consent
