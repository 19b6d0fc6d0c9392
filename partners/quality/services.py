"""Setting an organisation's quality status and recording its labels (audited, all or nothing)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.accounts.access import get_access
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record
from partners.directory.models import Organisation
from partners.quality.models import HostStatus, HostStatusChoice, QualityLabel
from partners.uploads import JPEG, PDF, PNG, check_upload


def can_judge(*, user: Any, organisation: Organisation) -> bool:
    """Staff who may edit partners somewhere in the organisation's network."""
    access = get_access(user)
    return organisation.network_id in access.network_ids and bool(
        access.centres_with(Capability.EDIT_PARTNERS)
    )


def host_status_set(
    *,
    organisation: Organisation,
    status: str,
    reason: str,
    acting_user: User,
    request: HttpRequest | None = None,
) -> HostStatus:
    if not can_judge(user=acting_user, organisation=organisation):
        raise PermissionDenied
    if status not in HostStatusChoice.values:
        raise ValidationError({"status": _("Choose recommended, to watch or not to use.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why: the next referent who chooses this host will read it.")})
    with transaction.atomic():
        current, _created = HostStatus.objects.select_for_update().get_or_create(
            organisation=organisation, defaults={"status": status, "reason": reason, "set_by": acting_user}
        )
        before = None if _created else current.status
        current.status, current.reason, current.set_by, current.set_at = (
            status,
            reason[:2000],
            acting_user,
            timezone.now(),
        )
        current.full_clean(exclude=["organisation", "set_by"])
        current.save()
        audit_record(action="organisation.quality_status", actor=acting_user, target=organisation,
                     data={"status": [before, status]}, request=request)  # fmt: skip
    return current


def label_add(
    *, organisation: Organisation, data: dict[str, Any], scan: UploadedFile | None, acting_user: User,
    request: HttpRequest | None = None,
) -> QualityLabel:  # fmt: skip
    if not can_judge(user=acting_user, organisation=organisation):
        raise PermissionDenied
    label = QualityLabel(
        organisation=organisation, added_by=acting_user, name=(data.get("name") or "").strip(),
        issuer=(data.get("issuer") or "").strip(), awarded_on=data.get("awarded_on"), expires_on=data.get("expires_on"),
    )  # fmt: skip
    if label.awarded_on and label.expires_on and label.expires_on < label.awarded_on:
        raise ValidationError({"expires_on": _("The expiry date is before the date the label was awarded.")})
    label.full_clean(exclude=["organisation", "added_by", "scan"])
    with transaction.atomic():
        if scan is not None:
            try:
                checked = check_upload(scan, allowed=(PDF, PNG, JPEG))
            except ValidationError as exc:
                raise ValidationError({"scan": exc.messages}) from exc
            label.scan.save(checked.safe_name, checked.file, save=False)
        label.save()
        audit_record(action="organisation.label_add", actor=acting_user, target=organisation,
                     data={"label": label.pk}, request=request)  # fmt: skip
    return label
