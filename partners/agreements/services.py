"""Creating and changing partnership agreements and their signed copies, audited."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from partners.accounts.access import get_access
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.agreements import selectors
from partners.agreements.models import PartnershipAgreement
from partners.audit.services import audit_record, created_fields, model_update
from partners.directory.models import Organisation
from partners.uploads import JPEG, PDF, PNG, check_upload

logger = logging.getLogger(__name__)


# --- Agreements -------------------------------------------------------------------------------
AGREEMENT_FIELDS = ("title", "reference", "valid_from", "valid_until", "scope")

SIGNED_COPY_TYPES = (PDF, PNG, JPEG)


def _check_partners(acting_user: User, partners: Iterable[Organisation]) -> list[Organisation]:
    partners = list(partners)
    networks = get_access(acting_user).network_ids
    if not partners:
        raise ValidationError({"partners": _("Choose at least one partner organisation.")})
    if any(p.network_id not in networks for p in partners):
        raise ValidationError({"partners": _("Select a valid choice.")})
    return partners


def _store_signed_copy(agreement: PartnershipAgreement, upload: UploadedFile) -> None:
    try:
        checked = check_upload(upload, allowed=SIGNED_COPY_TYPES)
    except ValidationError as exc:
        raise ValidationError({"signed_copy": exc.messages}) from exc
    agreement.signed_copy.save(checked.safe_name, checked.file, save=False)


def agreement_create(
    *,
    owner_centre: Organisation,
    acting_user: User,
    data: dict[str, Any],
    partners: Iterable[Organisation],
    signed_copy: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> PartnershipAgreement:
    """Records a partnership agreement of ``owner_centre`` with one or more partner organisations."""
    if not get_access(acting_user).can(Capability.EDIT_PARTNERS, owner_centre.pk):
        raise PermissionDenied
    partners = _check_partners(acting_user, partners)
    agreement = PartnershipAgreement(
        owner_centre=owner_centre, **{k: v for k, v in data.items() if k in AGREEMENT_FIELDS}
    )
    agreement.full_clean(exclude=["signed_copy"])
    stored: list[str] = []
    try:
        with transaction.atomic():
            if signed_copy is not None:
                _store_signed_copy(agreement, signed_copy)
                stored.append(agreement.signed_copy.name)
            agreement.save()
            agreement.partners.set(partners)
            audit_record(
                action="agreement.create",
                actor=acting_user,
                target=agreement,
                centre_id=owner_centre.pk,
                data={
                    "changes": created_fields(agreement, (*AGREEMENT_FIELDS, "signed_copy")),
                    "partners": [p.pk for p in partners],
                },
                request=request,
            )
    except Exception:
        _remove_files(stored)  # the row was not written: the file must not stay behind either
        raise
    return agreement


def agreement_update(
    *,
    agreement: PartnershipAgreement,
    acting_user: User,
    data: dict[str, Any],
    partners: Iterable[Organisation] | None = None,
    signed_copy: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> tuple[PartnershipAgreement, list[str]]:
    if not selectors.agreement_can_edit(user=acting_user, agreement=agreement):
        raise PermissionDenied
    fields: dict[str, Any] = {k: v for k, v in data.items() if k in AGREEMENT_FIELDS}
    if partners is not None:
        fields["partners"] = _check_partners(acting_user, partners)
    old_file = agreement.signed_copy.name if agreement.signed_copy else ""
    stored: list[str] = []
    try:
        with transaction.atomic():
            if signed_copy is not None:
                _store_signed_copy(agreement, signed_copy)
                stored.append(agreement.signed_copy.name)
                fields["signed_copy"] = agreement.signed_copy.name
                agreement.signed_copy = old_file  # so that the change is seen and audited
            result = model_update(
                instance=agreement,
                data=fields,
                acting_user=acting_user,
                action="agreement.update",
                centre_id=agreement.owner_centre_id,
                request=request,
            )
    except Exception:
        _remove_files(stored)
        raise
    if stored and old_file:
        transaction.on_commit(lambda: _remove_files([old_file]))
    return result


def _remove_files(names: Iterable[str]) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("could not remove %s", name, exc_info=True)
