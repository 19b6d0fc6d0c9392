"""Handing a candidate's file to a referent: audited, like every download of personal data."""

from __future__ import annotations

from typing import IO, Any

from mobility.recruitment.models import ApplicationFile
from partners.audit.services import audit_record


def application_file_download(*, item: ApplicationFile, acting_user: Any, request: Any = None) -> IO[bytes]:
    """The stored file, opened, with an audit entry saying who took it."""
    audit_record(
        action="application_file.download",
        actor=acting_user,
        target=item,
        centre_id=item.application.centre_id,
        data={"kind": item.kind},
        request=request,
    )
    return item.file.open("rb")
