"""Roles and what each may do: the one place where the role → capability map lives."""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NETWORK_ADMIN = "network_admin", _("Network administrator")
    CENTRE_ADMIN = "centre_admin", _("Centre administrator")
    REFERENT = "referent", _("Mobility referent")
    READONLY = "readonly", _("Read-only staff")


class Capability(StrEnum):
    VIEW = "view"  # see the centre's learners, mobilities, partners
    EDIT_PARTNERS = "edit_partners"  # create and edit directory entries, contacts, agreements
    MERGE_ORGANISATIONS = "merge_organisations"
    MANAGE_LEARNERS = "manage_learners"  # learners, mobilities, agreements, documents, follow-ups
    VALIDATE_EVALUATIONS = "validate_evaluations"
    ISSUE_CERTIFICATES = "issue_certificates"
    IMPORT_DATA = "import_data"
    EXPORT_DATA = "export_data"
    VIEW_REPORTS = "view_reports"
    MANAGE_USERS = "manage_users"  # invite, change roles, deactivate
    MANAGE_ORGANISATION = "manage_organisation"  # the centre's or chamber's own record, centres below
    MANAGE_CATALOGUE = "manage_catalogue"  # activity types, qualifications, templates, mappings
    ERASE_PERSONAL_DATA = "erase_personal_data"


_STAFF = {
    Capability.VIEW,
    Capability.EDIT_PARTNERS,
    Capability.MANAGE_LEARNERS,
    Capability.VALIDATE_EVALUATIONS,
    Capability.ISSUE_CERTIFICATES,
    Capability.IMPORT_DATA,
    Capability.EXPORT_DATA,
    Capability.ERASE_PERSONAL_DATA,
}

CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.NETWORK_ADMIN: frozenset(Capability),
    Role.CENTRE_ADMIN: frozenset(
        _STAFF
        | {Capability.VIEW_REPORTS, Capability.MANAGE_USERS, Capability.MERGE_ORGANISATIONS}
        | {Capability.MANAGE_ORGANISATION}
        | {Capability.MANAGE_CATALOGUE}
    ),
    Role.REFERENT: frozenset(_STAFF | {Capability.VIEW_REPORTS}),
    Role.READONLY: frozenset({Capability.VIEW, Capability.VIEW_REPORTS}),
}

#: Roles an administrator holding a role may grant: nobody grants more than they hold.
GRANTABLE: dict[str, tuple[str, ...]] = {
    Role.NETWORK_ADMIN: (Role.NETWORK_ADMIN, Role.CENTRE_ADMIN, Role.REFERENT, Role.READONLY),
    Role.CENTRE_ADMIN: (Role.CENTRE_ADMIN, Role.REFERENT, Role.READONLY),
}


def capabilities_of(role: str) -> frozenset[Capability]:
    return CAPABILITIES.get(role, frozenset())
