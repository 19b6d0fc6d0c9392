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


class DuplicateLearner(ValidationError):
    """Someone with the same name and date of birth is already a participant of the centre: said,
    and added only once the user confirms that this is another person."""

    def __init__(self, matches: list[Learner]):
        self.matches = matches
        first = matches[0]
        super().__init__(
            {
                "confirm_duplicate": _(
                    "%(name)s, born on %(date)s, is already recorded in this centre (%(centre)s). Check "
                    "that record, or tick this box if this is another person."
                )
                % {
                    "name": first.full_name,
                    "date": first.date_of_birth.strftime("%d/%m/%Y") if first.date_of_birth else "—",
                    "centre": first.centre.display_name,
                }
            },
            code="duplicate",
        )


def learner_possible_duplicates(*, centre: Organisation, first_name: str, last_name: str, date_of_birth: Any):
    """Participants of the centre with the same names (case aside) and date of birth."""
    if not (first_name and last_name and date_of_birth):
        return []
    return list(
        Learner.objects.filter(
            centre=centre,
            first_name__iexact=first_name.strip(),
            last_name__iexact=last_name.strip(),
            date_of_birth=date_of_birth,
        ).select_related("centre")[:5]
    )


def learner_create(
    *,
    centre: Organisation,
    data: dict[str, Any],
    acting_user: User | None,
    request: HttpRequest | None = None,
    confirm_duplicate: bool = False,
) -> Learner:
    """Adds a learner (or staff participant) to a centre the acting user manages. Someone with the
    same name and date of birth in the centre is refused (``DuplicateLearner``) unless confirmed."""
    check_centre(centre)
    require_capability(acting_user, Capability.MANAGE_LEARNERS, centre.pk)
    learner = Learner(centre=centre, **{k: v for k, v in data.items() if k in LEARNER_FIELDS})
    # The id's uniqueness is checked below with a message on the field, not the constraint's generic one.
    learner.full_clean(validate_constraints=False)
    _validate_learner_links(learner)
    if not confirm_duplicate:
        matches = learner_possible_duplicates(
            centre=centre,
            first_name=learner.first_name,
            last_name=learner.last_name,
            date_of_birth=learner.date_of_birth,
        )
        if matches:
            raise DuplicateLearner(matches)
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
