"""Creating and changing projects, audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import HttpRequest

from mobility.projects.models import PROJECT_FIELDS, Project
from partners.accounts.access import require_capability
from partners.accounts.models import User
from partners.accounts.roles import Capability
from partners.audit.services import audit_record, model_update
from partners.directory.models import Organisation


def project_create(
    *,
    organisation: Organisation,
    data: dict[str, Any],
    acting_user: User | None,
    request: HttpRequest | None = None,
) -> Project:
    require_capability(acting_user, Capability.MANAGE_LEARNERS, organisation.pk)
    project = Project(organisation=organisation, **{k: v for k, v in data.items() if k in PROJECT_FIELDS})
    project.full_clean()
    with transaction.atomic():
        project.save()
        audit_record(
            action="project.create",
            actor=acting_user,
            target=project,
            centre_id=organisation.pk,
            request=request,
        )
    return project


def project_update(
    *, project: Project, data: dict[str, Any], acting_user: User | None, request: HttpRequest | None = None
) -> Project:
    require_capability(acting_user, Capability.MANAGE_LEARNERS, project.organisation_id)
    with transaction.atomic():
        # From the database: the caller's object may already carry the new values (a bound form).
        project = Project.objects.select_for_update().get(pk=project.pk)
        project, _ = model_update(
            instance=project,
            data={k: v for k, v in data.items() if k in PROJECT_FIELDS},
            acting_user=acting_user,
            action="project.update",
            centre_id=project.organisation_id,
            request=request,
        )
    return project
