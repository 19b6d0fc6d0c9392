"""Erasure keeps what statistics need and nothing that names the person: the learner row stays (its
mobilities are still counted) with its identifying fields emptied, the birth date reduced to the middle
of the birth year, free text about the person emptied, every file deleted. Certificates already issued
stay verifiable as "issued" by their number and fingerprint.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mobility.agreements.models import LearningAgreement, Party, Signature
from mobility.documents.models import Document
from mobility.evaluations.models import Evaluation, OutcomeAssessment
from mobility.guests.models import AccessLink
from mobility.learners.models import Learner, ParentalConsent
from mobility.mobilities.models import Mobility
from mobility.privacy.archive import EVALUATION_TEXT
from mobility.privacy.holders import holders
from mobility.tracking.models import FollowUp
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record
from partners.emails.models import OutboundEmail

logger = logging.getLogger(__name__)


# --- Right to erasure ------------------------------------------------------------------------------
def _mid_year(day: date | None) -> date | None:
    return date(day.year, 7, 1) if day else None


@dataclass
class ErasureResult:
    files: int = 0
    documents: int = 0
    #: Records an upper app keeps, anonymised, per holder (issued certificates stay verifiable).
    kept: dict[str, int] = field(default_factory=dict)


def learner_erase(
    *,
    learner: Learner,
    acting_user: User | None,
    reason: str = "request",
    request: HttpRequest | None = None,
) -> ErasureResult:
    """Anonymises ``learner`` and deletes every file about them, all at once or not at all.

    ``acting_user`` None is the retention sweep (no capability check; the audit says so).
    """
    if acting_user is not None:
        require_capability(acting_user, Capability.ERASE_PERSONAL_DATA, learner.centre_id)
    result = ErasureResult()
    doomed: list[tuple[Storage, str]] = []

    def drop(field_file: Any) -> None:
        if field_file:
            doomed.append((field_file.storage, field_file.name))

    with transaction.atomic():
        learner = Learner.objects.select_for_update().get(pk=learner.pk)
        if learner.anonymised_at is not None:
            raise ValidationError(_("This learner's personal data have already been erased."))
        mobility_ids = list(learner.mobilities.values_list("pk", flat=True))
        for holder in holders():
            busy = holder.busy(mobility_ids)
            if busy:
                raise ValidationError(busy)
        addresses = [a for a in (learner.email, learner.guardian_email) if a]

        for document in Document.objects.filter(learner=learner):
            drop(document.file)
            result.documents += 1
        Document.objects.filter(learner=learner).delete()
        for consent in ParentalConsent.objects.filter(learner=learner):
            drop(consent.scan)
        ParentalConsent.objects.filter(learner=learner).delete()

        signatures = Signature.objects.filter(agreement__mobility_id__in=mobility_ids)
        for signature in signatures.exclude(scan=""):
            drop(signature.scan)
        signatures.update(scan="")
        signatures.filter(party__in=[Party.LEARNER, Party.GUARDIAN]).update(signer_name="")

        Evaluation.objects.filter(mobility_id__in=mobility_ids).update(**dict.fromkeys(EVALUATION_TEXT, ""))
        OutcomeAssessment.objects.filter(evaluation__mobility_id__in=mobility_ids).update(comment="")
        FollowUp.objects.filter(mobility_id__in=mobility_ids).update(notes="")
        Mobility.objects.filter(pk__in=mobility_ids).update(notes="", status_reason="")
        LearningAgreement.objects.filter(mobility_id__in=mobility_ids).update(translations={})
        _erase_related_texts(mobility_ids)

        AccessLink.objects.filter(learner=learner, contact__isnull=True).delete()
        related = Q(related_type=Mobility._meta.label, related_id__in=[str(i) for i in mobility_ids])
        # E-mails to the learner, and to the guardian about these mobilities (a guardian's address
        # may be a sibling's guardian's too: their e-mails stay). The rest loses its wording.
        own = [learner.email] if learner.email else []
        OutboundEmail.objects.filter(Q(to__in=own) | (related & Q(to__in=addresses))).delete()
        OutboundEmail.objects.filter(related).update(subject="—", body_text="", body_html="", to_name="")

        for holder in holders():
            result.kept[holder.name] = holder.erase(mobility_ids, drop)

        user_id = learner.user_id
        Learner.objects.filter(pk=learner.pk).update(
            first_name="",
            last_name="",
            date_of_birth=_mid_year(learner.date_of_birth),
            national_id="",
            email="",
            phone="",
            position="",
            guardian_name="",
            guardian_email="",
            guardian_phone="",
            employer_contact=None,
            user=None,
            anonymised_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if user_id:
            _retire_account(user_id)
        result.files = len(doomed)
        audit_record(
            action="learner.erase",
            actor=acting_user,
            actor_label="" if acting_user else "retention",
            target=learner,
            centre_id=learner.centre_id,
            data={
                "reason": reason,
                "documents": result.documents,
                "files": result.files,
                "mobilities": len(mobility_ids),
                **{f"{name}_kept": count for name, count in result.kept.items()},
            },
            request=request,
        )

        def delete_files() -> None:
            for storage, name in doomed:
                try:
                    storage.delete(name)
                except OSError:
                    logger.warning("could not delete %s", name, exc_info=True)

        transaction.on_commit(delete_files)
    return result


def _erase_related_texts(mobility_ids: list[int]) -> None:
    from mobility.evaluations.models import EmployerFeedback, Recognition
    from mobility.guests.models import HostConfirmation

    EmployerFeedback.objects.filter(mobility_id__in=mobility_ids).update(observed_progress="", comments="")
    HostConfirmation.objects.filter(mobility_id__in=mobility_ids).update(comment="")
    Recognition.objects.filter(mobility_id__in=mobility_ids).update(comment="")


def _retire_account(user_id: int) -> None:
    """A learner's own login: removed, unless the person is also staff somewhere."""
    user = User.objects.filter(pk=user_id).first()
    if user is None or user.memberships.exists():
        return
    user.is_active = False
    user.email = f"erased-{user.pk}@erased.invalid"
    user.first_name = user.last_name = ""
    user.set_unusable_password()
    user.save(update_fields=["is_active", "email", "first_name", "last_name", "password"])
    from django.contrib.sessions.models import Session

    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            session.delete()
