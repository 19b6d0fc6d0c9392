"""The account the command line acts as when no ``--user`` is given.

Imports and exports always run on someone's behalf: services check capabilities and the audit
log names an actor. From the command line that is a service account that cannot log in
(unusable password, an address that receives no mail), given for the run only the access of a
centre administrator over the centres concerned.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.management.base import CommandError

from partners.accounts.access import CACHE_ATTR, Access
from partners.accounts.models import User
from partners.accounts.roles import Role
from partners.directory.models import TENANT_KINDS, Organisation, OrganisationKind

COMMAND_LINE_EMAIL = "command-line@platform.invalid"


def _service_account() -> User:
    user = User.objects.filter(email=COMMAND_LINE_EMAIL).first()
    if user is None:
        user = User(email=COMMAND_LINE_EMAIL, first_name="Command", last_name="line", is_active=True)
        user.set_unusable_password()
        user.save()
    return user


def command_user(*, email: str | None, centres: Iterable[Organisation]) -> User:
    """The named user (their own rights apply), or the service account with access to ``centres``."""
    if email:
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the e-mail {email}.")
        return user
    user = _service_account()
    roles: dict[int, frozenset[str]] = {}
    kinds: dict[int, str] = {}
    networks: set[int] = set()
    for centre in centres:
        org: Organisation | None = centre
        while org is not None and org.kind in TENANT_KINDS:
            roles[org.pk] = frozenset({Role.CENTRE_ADMIN})
            kinds[org.pk] = org.kind
            networks.add(org.network_id or org.pk)
            org = org.parent
    setattr(
        user,
        CACHE_ATTR,
        Access(user_id=user.pk, roles=roles, kinds=kinds, network_ids=frozenset(networks), memberships=()),
    )
    return user


def all_centres() -> list[Organisation]:
    return list(Organisation.objects.filter(kind=OrganisationKind.TRAINING_CENTRE).select_related("parent"))
