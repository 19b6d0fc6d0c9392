"""Accounts and roles: invitations (sent, resent, revoked, accepted), role changes, deactivation that
ends the person's sessions and API tokens, each audited.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.accounts import selectors
from partners.accounts.access import forget_access
from partners.accounts.models import Invitation, Membership, User
from partners.accounts.roles import Role
from partners.audit.services import audit_record, model_update
from partners.directory.models import Organisation
from partners.emails.models import OutboundEmail
from partners.emails.secrets import Placeholders
from partners.emails.services import email_queue


# --- Users ------------------------------------------------------------------------------------
def user_update_profile(
    *, user: User, acting_user: User, data: dict[str, Any], request: HttpRequest | None = None
) -> User:
    """A person's own name and language."""
    allowed = {k: data[k] for k in ("first_name", "last_name", "preferred_language") if k in data}
    user, _changed = model_update(
        instance=user, data=allowed, acting_user=acting_user, action="user.profile", request=request
    )
    return user


def user_sessions_end(*, user: User) -> int:
    """Deletes every open session of ``user`` (they are logged out at their next request)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        try:
            owner = session.get_decoded().get("_auth_user_id")
        except Exception:  # noqa: S112  (a session that no longer decodes belongs to nobody)
            continue
        if owner == str(user.pk):
            session.delete()
            ended += 1
    return ended


# --- Invitations and memberships --------------------------------------------------------------
def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _invitation_ttl() -> timedelta:
    return timedelta(seconds=getattr(settings, "INVITATION_TTL", 7 * 24 * 3600))


INVITATION_EMAIL_KIND = "invitation"


def _send_invitation(invitation: Invitation, acting_user: User) -> None:
    """Queues the invitation's e-mail; its token is made when it leaves (``invitation_email_issue``)."""
    placeholders = Placeholders()
    email_queue(
        kind=INVITATION_EMAIL_KIND,
        to=invitation.email,
        to_name=f"{invitation.first_name} {invitation.last_name}".strip(),
        template="partners_invitation",
        context={
            "invitation": invitation,
            "organisation": invitation.organisation.display_name,
            "role": Role(invitation.role).label,
            "inviter": acting_user.get_full_name() or acting_user.email,
            "accept_url": placeholders.add("invitation", invitation.pk),
            "expires_at": invitation.expires_at,
        },
        language=invitation.language,
        centre_id=invitation.organisation_id,
        related=invitation,
        sent_by=acting_user,
        placeholders=placeholders,
    )


def invitation_email_issue(message: OutboundEmail, reference: str) -> str:
    """At delivery: a fresh token for the invitation the e-mail was queued for; only its hash is kept.

    Every e-mail of an invitation makes its own token and the earlier ones stop working. An e-mail
    overtaken by a newer one (a resend), or whose invitation was accepted, withdrawn or expired,
    carries the page that says the invitation is no longer valid.
    """
    dead = settings.SITE_URL + reverse("account_invitation_accept")
    if message.related_type != Invitation._meta.label or message.related_id != reference:
        return dead
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(pk=reference).first()
        overtaken = OutboundEmail.objects.filter(
            kind=INVITATION_EMAIL_KIND,
            related_type=message.related_type,
            related_id=reference,
            pk__gt=message.pk,
        ).exists()
        if invitation is None or not invitation.is_usable or overtaken:
            return dead
        if invitation.email.lower() != message.to.lower():
            return dead
        token = secrets.token_urlsafe(32)
        invitation.token_hash = _token_hash(token)
        invitation.save(update_fields=["token_hash", "updated_at"])
        audit_record(
            action="invitation.issue",
            actor_label="platform",
            target=invitation,
            centre_id=invitation.organisation_id,
            data={"email": message.pk},
        )
    return settings.SITE_URL + reverse("account_invitation", kwargs={"token": token})


def _require_grant(acting_user: User, organisation_id: int, *roles: str) -> None:
    grantable = selectors.roles_grantable_by(user=acting_user, organisation_id=organisation_id)
    if not grantable:
        raise PermissionDenied
    for role in roles:
        if role not in grantable:
            raise ValidationError({"role": _("You cannot give this role.")})


def invitation_create(
    *,
    acting_user: User,
    email: str,
    organisation: Organisation,
    role: str,
    first_name: str = "",
    last_name: str = "",
    language: str = "fr",
    request: HttpRequest | None = None,
) -> Invitation:
    """Invites a person into ``organisation`` with ``role`` and e-mails them a link to set a password.

    The link's token exists only in the e-mail that leaves (the row keeps its hash). Inviting the
    same address again replaces the pending invitation.
    """
    _require_grant(acting_user, organisation.pk, role)
    email = User.objects.normalize_email(email).strip().lower()
    if Membership.objects.filter(
        user__email__iexact=email, organisation=organisation, is_active=True
    ).exists():
        raise ValidationError(
            {"email": _("This person is already a member of %(org)s.") % {"org": organisation}}
        )
    invitation = Invitation(
        email=email,
        organisation=organisation,
        role=role,
        first_name=first_name,
        last_name=last_name,
        language=language,
        invited_by=acting_user,
        expires_at=timezone.now() + _invitation_ttl(),
    )
    invitation.full_clean()
    with transaction.atomic():
        now = timezone.now()
        for old in Invitation.objects.select_for_update().filter(
            email__iexact=email, organisation=organisation, accepted_at__isnull=True, revoked_at__isnull=True
        ):
            old.revoked_at = now
            old.save(update_fields=["revoked_at", "updated_at"])
            audit_record(
                action="invitation.replace",
                actor=acting_user,
                target=old,
                centre_id=organisation.pk,
                request=request,
            )
        invitation.save()
        audit_record(
            action="invitation.create",
            actor=acting_user,
            target=invitation,
            centre_id=organisation.pk,
            data={"role": role, "organisation": organisation.pk},
            request=request,
        )
        _send_invitation(invitation, acting_user)
    return invitation


def invitation_resend(
    *, invitation: Invitation, acting_user: User, request: HttpRequest | None = None
) -> Invitation:
    """Sends a fresh link (the previous one stops working at once) and restarts the validity period."""
    _require_grant(acting_user, invitation.organisation_id, invitation.role)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
        if locked.accepted_at or locked.revoked_at:
            raise ValidationError(_("This invitation has already been accepted or withdrawn."), code="closed")
        locked.token_hash = None
        locked.expires_at = timezone.now() + _invitation_ttl()
        locked.save(update_fields=["token_hash", "expires_at", "updated_at"])
        audit_record(
            action="invitation.resend",
            actor=acting_user,
            target=locked,
            centre_id=locked.organisation_id,
            request=request,
        )
        _send_invitation(locked, acting_user)
    return locked


def invitation_revoke(
    *, invitation: Invitation, acting_user: User, request: HttpRequest | None = None
) -> Invitation:
    _require_grant(acting_user, invitation.organisation_id, invitation.role)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at:
            raise ValidationError(_("This invitation has already been accepted."), code="accepted")
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at", "updated_at"])
            audit_record(
                action="invitation.revoke",
                actor=acting_user,
                target=locked,
                centre_id=locked.organisation_id,
                request=request,
            )
    return locked


def invitation_for_token(token: str) -> Invitation | None:
    """The usable invitation a link's token designates, or None (unknown, used, withdrawn, expired)."""
    if not token or len(token) > 200:
        return None
    invitation = (
        Invitation.objects.select_related("organisation").filter(token_hash=_token_hash(token)).first()
    )
    return invitation if invitation is not None and invitation.is_usable else None


def _grant_membership(invitation: Invitation, user: User) -> Membership:
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=invitation.organisation, defaults={"role": invitation.role}
    )
    if not created:
        membership.role = invitation.role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active", "updated_at"])
    return membership


def user_address_verify(*, user: User, proof: str, request: HttpRequest | None = None) -> None:
    """Records the login address as verified, the person having just used a link e-mailed to it.

    allauth refuses to set up a second factor while an address of the account is unverified, and
    staff must set one up in production.
    """
    with transaction.atomic():
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is not None and address.verified:
            return
        if address is None:
            primary = not EmailAddress.objects.filter(user=user, primary=True).exists()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=primary)
        else:
            address.verified = True
            address.save(update_fields=["verified"])
        audit_record(
            action="user.address_verified", actor=user, target=user, data={"proof": proof}, request=request
        )


def invitation_accept(
    *,
    invitation: Invitation,
    user: User | None = None,
    first_name: str = "",
    last_name: str = "",
    password: str = "",
    request: HttpRequest | None = None,
) -> User:
    """Turns an invitation into a membership.

    Someone new gets an account with the password they chose; someone who already has an account
    must be logged in as that account (``user``) — an invitation never sets an existing password.
    """
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
        if not locked.is_usable:
            raise ValidationError(
                _("This invitation is no longer valid. Ask for a new one."), code="unusable"
            )
        existing = User.objects.filter(email__iexact=locked.email).first()
        if existing is not None:
            if user is None or user.pk != existing.pk:
                raise ValidationError(
                    _("An account already exists for this address: log in with it to accept the invitation."),
                    code="existing_account",
                )
            account = existing
            if not account.is_active:
                account.is_active = True
                account.save(update_fields=["is_active"])
        else:
            if user is not None and user.is_authenticated:
                raise ValidationError(
                    _("You are logged in with another account. Log out, then open the link again."),
                    code="other_account",
                )
            account = User(
                email=locked.email,
                first_name=first_name or locked.first_name,
                last_name=last_name or locked.last_name,
                preferred_language=locked.language,
            )
            try:
                validate_password(password, account)
            except ValidationError as exc:
                raise ValidationError({"password1": exc.messages}) from exc
            account.set_password(password)
            account.full_clean(exclude=["password"])
            account.save()
        membership = _grant_membership(locked, account)
        user_address_verify(user=account, proof="invitation", request=request)
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at", "updated_at"])
        audit_record(
            action="invitation.accept",
            actor=account,
            target=locked,
            centre_id=locked.organisation_id,
            data={"membership": membership.pk, "role": membership.role, "new_account": existing is None},
            request=request,
        )
    forget_access(account)
    return account


def membership_change_role(
    *, membership: Membership, role: str, acting_user: User, request: HttpRequest | None = None
) -> Membership:
    """Gives a member another role; nobody changes their own, nor grants (or removes) more than they hold."""
    if membership.user_id == acting_user.pk:
        raise ValidationError({"role": _("You cannot change your own role. Ask another administrator.")})
    _require_grant(acting_user, membership.organisation_id, membership.role, role)
    membership, _changed = model_update(
        instance=membership,
        data={"role": role},
        acting_user=acting_user,
        action="membership.role",
        centre_id=membership.organisation_id,
        request=request,
    )
    return membership


def membership_deactivate(
    *, membership: Membership, acting_user: User, request: HttpRequest | None = None
) -> Membership:
    """Withdraws a member's access to the organisation; their open sessions end at once.

    A person left with no active membership has their account deactivated as well.
    """
    if membership.user_id == acting_user.pk:
        raise ValidationError(_("You cannot deactivate yourself. Ask another administrator."), code="self")
    _require_grant(acting_user, membership.organisation_id, membership.role)
    with transaction.atomic():
        membership, _changed = model_update(
            instance=membership,
            data={"is_active": False},
            acting_user=acting_user,
            action="membership.deactivate",
            centre_id=membership.organisation_id,
            request=request,
        )
        user = User.objects.select_for_update().get(pk=membership.user_id)
        others = Membership.objects.filter(user=user, is_active=True).exclude(pk=membership.pk).exists()
        if not others and user.is_active and not user.is_staff:
            model_update(
                instance=user,
                data={"is_active": False},
                acting_user=acting_user,
                action="user.deactivate",
                centre_id=membership.organisation_id,
                request=request,
            )
        ended = user_sessions_end(user=user)
        if ended:
            audit_record(
                action="user.sessions_end",
                actor=acting_user,
                target=user,
                centre_id=membership.organisation_id,
                data={"sessions": ended},
                request=request,
            )
    return membership


def membership_reactivate(
    *, membership: Membership, acting_user: User, request: HttpRequest | None = None
) -> Membership:
    _require_grant(acting_user, membership.organisation_id, membership.role)
    with transaction.atomic():
        membership, _changed = model_update(
            instance=membership,
            data={"is_active": True},
            acting_user=acting_user,
            action="membership.reactivate",
            centre_id=membership.organisation_id,
            request=request,
        )
        user = User.objects.select_for_update().get(pk=membership.user_id)
        if not user.is_active:
            model_update(
                instance=user,
                data={"is_active": True},
                acting_user=acting_user,
                action="user.reactivate",
                centre_id=membership.organisation_id,
                request=request,
            )
    return membership
