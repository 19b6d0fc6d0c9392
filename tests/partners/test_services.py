import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from partners.accounts import services
from partners.accounts.models import Invitation, Membership, User
from partners.accounts.roles import Role
from partners.agreements import services as agreements_services
from partners.agreements.models import PartnershipAgreement
from partners.audit.models import AuditEntry
from partners.directory import services as directory_services
from partners.directory.models import Contact, Organisation, OrganisationKind
from partners.emails.delivery import email_deliver
from partners.emails.models import EmailStatus, OutboundEmail
from partners.emails.secrets import email_body_redacted
from tests import factories

pytestmark = pytest.mark.django_db

INVITATION_RE = re.compile(r"/accounts/invitation/([A-Za-z0-9_-]+)/")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def company(**extra):
    return {
        "kind": OrganisationKind.HOST_COMPANY,
        "name": "Panadería Ortega S.L.",
        "country": "ES",
        "city": "Valencia",
        **extra,
    }


# --- Organisations ----------------------------------------------------------------------------
def test_create_puts_a_directory_entry_in_the_creating_centres_network(referent_a, centre_a, chamber_a):
    org = directory_services.organisation_create(
        acting_user=referent_a, data=company(), owner_centre=centre_a
    )
    assert org.network == chamber_a
    assert org.owner_centre == centre_a


def test_create_is_audited_by_field_name_without_values(referent_a, centre_a):
    org = directory_services.organisation_create(
        acting_user=referent_a, data=company(email="info@ortega.example"), owner_centre=centre_a
    )
    entry = AuditEntry.objects.get(action="organisation.create")
    assert (entry.actor, entry.target_id, entry.centre) == (referent_a, str(org.pk), centre_a)
    assert entry.data["changes"]["email"] is None  # the field is named, its value is not copied
    assert entry.data["changes"]["kind"] == [None, "host_company"]


def test_create_for_a_centre_one_does_not_work_for_is_refused(referent_a, centre_b):
    with pytest.raises(ValidationError) as caught:
        directory_services.organisation_create(acting_user=referent_a, data=company(), owner_centre=centre_b)
    assert "owner_centre" in caught.value.message_dict
    assert not Organisation.objects.filter(name="Panadería Ortega S.L.").exists()


def test_read_only_staff_cannot_create(readonly_a, centre_a):
    with pytest.raises(ValidationError):
        directory_services.organisation_create(acting_user=readonly_a, data=company(), owner_centre=centre_a)


def test_a_malformed_oid_is_refused_on_its_field(referent_a, centre_a):
    with pytest.raises(ValidationError) as caught:
        directory_services.organisation_create(
            acting_user=referent_a, data=company(oid="F1234"), owner_centre=centre_a
        )
    assert "oid" in caught.value.message_dict


def test_the_same_oid_blocks_a_second_record(referent_a, centre_a, host_company_a):
    with pytest.raises(directory_services.DuplicateOrganisation) as caught:
        directory_services.organisation_create(
            acting_user=referent_a,
            data=company(oid=host_company_a.oid),
            owner_centre=centre_a,
            confirm_duplicate=True,
        )
    assert caught.value.blocking
    assert "oid" in caught.value.message_dict


def test_the_same_vat_warns_until_confirmed(referent_a, centre_a, host_company_a):
    host_company_a.national_id = "ESB46123456"
    host_company_a.save(update_fields=["national_id"])
    with pytest.raises(directory_services.DuplicateOrganisation) as caught:
        directory_services.organisation_create(
            acting_user=referent_a, data=company(national_id="ESB46123456"), owner_centre=centre_a
        )
    assert [m.organisation for m in caught.value.matches] == [host_company_a]
    org = directory_services.organisation_create(
        acting_user=referent_a,
        data=company(national_id="ESB46123456"),
        owner_centre=centre_a,
        confirm_duplicate=True,
    )
    assert org.pk
    assert AuditEntry.objects.get(action="organisation.create").data["duplicate_confirmed"] is True


def test_a_network_admin_adds_a_training_centre_below_the_chamber(chamber_admin, chamber_a):
    centre = directory_services.organisation_create(
        acting_user=chamber_admin,
        data={
            "kind": OrganisationKind.TRAINING_CENTRE,
            "name": "CFA Nouveau",
            "country": "FR",
            "city": "Lyon",
            "parent": chamber_a,
        },
    )
    assert (centre.network, centre.owner_centre) == (chamber_a, None)


def test_a_referent_cannot_add_a_training_centre(referent_a, chamber_a):
    with pytest.raises(ValidationError):
        directory_services.organisation_create(
            acting_user=referent_a,
            data={
                "kind": OrganisationKind.TRAINING_CENTRE,
                "name": "CFA X",
                "country": "FR",
                "city": "Lyon",
                "parent": chamber_a,
            },
        )


def test_update_by_a_sibling_centre_is_refused(centre_a2, host_company_a):
    colleague = factories.UserFactory()
    factories.MembershipFactory(user=colleague, organisation=centre_a2)
    with pytest.raises(PermissionDenied):
        directory_services.organisation_update(
            organisation=host_company_a, acting_user=colleague, data={"city": "Basel"}
        )


def test_update_saves_and_audits_only_what_changed(referent_a, host_company_a):
    _org, changed = directory_services.organisation_update(
        organisation=host_company_a,
        acting_user=referent_a,
        data={"city": "Basel", "name": host_company_a.name},
    )
    assert changed == ["city"]
    entry = AuditEntry.objects.get(action="organisation.update")
    assert list(entry.data["changes"]) == ["city"]


def test_update_with_nothing_changed_writes_nothing(referent_a, host_company_a):
    _org, changed = directory_services.organisation_update(
        organisation=host_company_a, acting_user=referent_a, data={"city": host_company_a.city}
    )
    assert changed == []
    assert not AuditEntry.objects.filter(action="organisation.update").exists()


def test_changing_the_oid_to_anothers_is_refused(referent_a, centre_a, host_company_a):
    other = factories.DirectoryEntryFactory(owner_centre=centre_a)
    with pytest.raises(directory_services.DuplicateOrganisation):
        directory_services.organisation_update(
            organisation=other, acting_user=referent_a, data={"oid": host_company_a.oid}
        )
    other.refresh_from_db()
    assert other.oid == ""


# --- Contacts ---------------------------------------------------------------------------------
def test_a_tutor_needs_an_email_address(referent_a, host_company_a):
    with pytest.raises(ValidationError) as caught:
        directory_services.contact_create(
            organisation=host_company_a,
            acting_user=referent_a,
            data={"first_name": "Lucía", "last_name": "Ortega", "is_tutor": True},
        )
    assert "email" in caught.value.message_dict
    assert not Contact.objects.exists()


def test_a_contact_records_the_centre_that_added_it(referent_a, centre_a, host_company_a):
    contact = directory_services.contact_create(
        organisation=host_company_a,
        acting_user=referent_a,
        data={
            "first_name": "Lucía",
            "last_name": "Ortega",
            "email": "LUCIA@Ortega.example",
            "is_tutor": True,
        },
    )
    assert contact.owner_centre == centre_a
    assert contact.email == "lucia@ortega.example"
    assert AuditEntry.objects.filter(action="contact.create", target_id=str(contact.pk)).exists()


def test_a_malformed_phone_is_refused_on_its_field(referent_a, host_company_a):
    with pytest.raises(ValidationError) as caught:
        directory_services.contact_create(
            organisation=host_company_a,
            acting_user=referent_a,
            data={"first_name": "A", "last_name": "B", "phone": "call me maybe"},
        )
    assert "phone" in caught.value.message_dict


def test_a_contact_named_on_a_record_is_not_deleted(referent_a, centre_a, tutor_a):
    from mobility.learners.models import Learner

    Learner.objects.create(centre=centre_a, first_name="Léa", last_name="Martin", employer_contact=tutor_a)
    with pytest.raises(ValidationError):
        directory_services.contact_delete(contact=tutor_a, acting_user=referent_a)
    assert Contact.objects.filter(pk=tutor_a.pk).exists()


def test_a_contact_named_nowhere_is_deleted_and_audited(referent_a, tutor_a):
    directory_services.contact_delete(contact=tutor_a, acting_user=referent_a)
    assert not Contact.objects.filter(pk=tutor_a.pk).exists()
    assert AuditEntry.objects.filter(action="contact.delete", target_id=str(tutor_a.pk)).exists()


# --- Agreements -------------------------------------------------------------------------------
def agreement_data():
    today = timezone.localdate()
    return {"title": "MoU Valencia", "valid_from": today, "valid_until": today + timedelta(days=365)}


def test_an_agreement_stores_its_signed_copy(referent_a, centre_a, host_company_a):
    agreement = agreements_services.agreement_create(
        owner_centre=centre_a,
        acting_user=referent_a,
        data=agreement_data(),
        partners=[host_company_a],
        signed_copy=SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf"),
    )
    assert agreement.signed_copy.name.endswith(".pdf")
    assert agreement.signed_copy.read() == PDF


def test_an_upload_that_is_not_a_pdf_stores_nothing(referent_a, centre_a, host_company_a, settings):
    with pytest.raises(ValidationError) as caught:
        agreements_services.agreement_create(
            owner_centre=centre_a,
            acting_user=referent_a,
            data=agreement_data(),
            partners=[host_company_a],
            signed_copy=SimpleUploadedFile(
                "scan.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
            ),
        )
    assert "signed_copy" in caught.value.message_dict
    assert not PartnershipAgreement.objects.exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(media.rglob("*.*"))


def test_an_upload_over_the_limit_is_refused(referent_a, centre_a, host_company_a, settings):
    settings.UPLOAD_MAX_BYTES = 50
    with pytest.raises(ValidationError) as caught:
        agreements_services.agreement_create(
            owner_centre=centre_a,
            acting_user=referent_a,
            data=agreement_data(),
            partners=[host_company_a],
            signed_copy=SimpleUploadedFile("scan.pdf", PDF + b" " * 100),
        )
    assert "too large" in caught.value.message_dict["signed_copy"][0]


def test_a_partner_from_another_network_is_refused(referent_a, centre_a, host_company_b):
    with pytest.raises(ValidationError) as caught:
        agreements_services.agreement_create(
            owner_centre=centre_a, acting_user=referent_a, data=agreement_data(), partners=[host_company_b]
        )
    assert "partners" in caught.value.message_dict


def test_replacing_the_signed_copy_is_audited(referent_a, centre_a, host_company_a):
    agreement = factories.AgreementFactory(owner_centre=centre_a, partners=[host_company_a])
    agreements_services.agreement_update(
        agreement=agreement,
        acting_user=referent_a,
        data={},
        signed_copy=SimpleUploadedFile("new.pdf", PDF),
    )
    entry = AuditEntry.objects.get(action="agreement.update")
    assert "signed_copy" in entry.data["changes"]


# --- Invitations and memberships --------------------------------------------------------------
def _deliver_invitations() -> list:
    """Delivers the queued invitations as the worker would; returns the e-mails that left."""
    start = len(mail.outbox)
    queued = OutboundEmail.objects.filter(kind="invitation", status=EmailStatus.QUEUED).order_by("pk")
    for pk in queued.values_list("pk", flat=True):
        email_deliver(message_id=pk)
    return mail.outbox[start:]


def _token_in(sent) -> str | None:
    found = INVITATION_RE.search(sent.body)
    return found.group(1) if found else None


def _invite(acting_user, organisation, email="new@montclar.example", **extra):
    """Invites and delivers: the invitation and the token its e-mail carried."""
    invitation = services.invitation_create(
        acting_user=acting_user, email=email, organisation=organisation, role=Role.REFERENT, **extra
    )
    return invitation, _token_in(_deliver_invitations()[-1])


def test_an_invitation_emails_a_link_in_the_invitees_language(centre_admin_a, centre_a):
    invitation, token = _invite(centre_admin_a, centre_a, email="Nouvelle@Montclar.example", language="en")
    assert invitation.email == "nouvelle@montclar.example"
    message = OutboundEmail.objects.get(kind="invitation")
    assert message.language == "en" and message.status == EmailStatus.SENT
    assert token and services.invitation_for_token(token) == invitation
    assert AuditEntry.objects.filter(action="invitation.create", target_id=str(invitation.pk)).exists()


def test_the_stored_invitation_email_and_the_admin_hold_no_usable_token(
    centre_admin_a, centre_a, client_of, operator
):
    invitation = services.invitation_create(
        acting_user=centre_admin_a, email="new@montclar.example", organisation=centre_a, role=Role.REFERENT
    )
    assert services.invitation_for_token("") is None and Invitation.objects.get().token_hash is None
    sent = _deliver_invitations()[-1]
    token = _token_in(sent)
    assert services.invitation_for_token(token) == invitation  # the link that left works…
    stored = OutboundEmail.objects.get(kind="invitation")
    assert token not in stored.body_text + stored.body_html  # …and no copy of it is kept
    assert not INVITATION_RE.search(stored.body_text + stored.body_html)
    page = client_of(operator).get(reverse("admin:partners_outboundemail_change", args=[stored.pk]))
    assert page.status_code == 200
    assert token not in page.content.decode() and "personal link" in page.content.decode()


def test_each_invitation_token_is_made_at_delivery_and_audited_with_the_message(centre_admin_a, centre_a):
    invitation = services.invitation_create(
        acting_user=centre_admin_a, email="new@montclar.example", organisation=centre_a, role=Role.REFERENT
    )
    message = OutboundEmail.objects.get(kind="invitation")
    assert not AuditEntry.objects.filter(action="invitation.issue").exists()
    _deliver_invitations()
    entry = AuditEntry.objects.get(action="invitation.issue")
    assert (entry.target_id, entry.data["email"]) == (str(invitation.pk), message.pk)


def test_a_recipient_whose_name_has_commas_and_at_signs_gets_the_invitation(centre_admin_a, centre_a):
    from email import message_from_bytes, policy

    from django.core.mail.message import sanitize_address

    services.invitation_create(
        acting_user=centre_admin_a,
        email="new@montclar.example",
        organisation=centre_a,
        role=Role.REFERENT,
        first_name="Noé, dit «@Noé»;",
        last_name="Petit",
    )
    sent = _deliver_invitations()[-1]
    on_the_wire = message_from_bytes(sent.message().as_bytes(), policy=policy.default)
    [address] = on_the_wire["To"].addresses
    assert (address.display_name, address.addr_spec) == ("Noé, dit «@Noé»; Petit", "new@montclar.example")
    # What the SMTP backend does with each recipient before it talks to the relay.
    [recipient] = sent.recipients()
    assert sanitize_address(recipient, "utf-8").endswith("<new@montclar.example>")


def test_the_invitation_prints_names_as_typed_in_its_subject_and_text(centre_admin_a, centre_a):
    centre_a.name, centre_a.short_name = "L'Atelier & Fils", ""
    centre_a.save(update_fields=["name", "short_name"])
    centre_admin_a.first_name, centre_admin_a.last_name = "Zoé", "O'Brien"
    centre_admin_a.save(update_fields=["first_name", "last_name"])
    _invite(centre_admin_a, centre_a)
    message = OutboundEmail.objects.get(kind="invitation")
    assert "L'Atelier & Fils" in message.subject
    assert "Zoé O'Brien" in message.body_text and "L'Atelier & Fils" in message.body_text


def test_a_referent_cannot_invite(referent_a, centre_a):
    with pytest.raises(PermissionDenied):
        services.invitation_create(
            acting_user=referent_a, email="x@y.example", organisation=centre_a, role=Role.READONLY
        )


def test_a_centre_admin_cannot_invite_a_network_admin(centre_admin_a, centre_a):
    with pytest.raises(ValidationError) as caught:
        services.invitation_create(
            acting_user=centre_admin_a, email="x@y.example", organisation=centre_a, role=Role.NETWORK_ADMIN
        )
    assert "role" in caught.value.message_dict


def test_inviting_a_member_again_is_refused(centre_admin_a, centre_a, referent_a):
    with pytest.raises(ValidationError) as caught:
        services.invitation_create(
            acting_user=centre_admin_a, email=referent_a.email, organisation=centre_a, role=Role.REFERENT
        )
    assert "email" in caught.value.message_dict


def test_accepting_creates_the_account_with_the_chosen_password(centre_admin_a, centre_a):
    _invitation, token = _invite(centre_admin_a, centre_a)
    user = services.invitation_accept(
        invitation=services.invitation_for_token(token),
        first_name="Noé",
        last_name="Petit",
        password="une-phrase-longue-42",
    )
    assert user.check_password("une-phrase-longue-42")
    assert Membership.objects.get(user=user, organisation=centre_a).role == Role.REFERENT
    assert services.invitation_for_token(token) is None  # the link works once


def test_accepting_records_the_address_as_verified(chamber_admin, referent_a, centre_a2):
    from allauth.account.models import EmailAddress

    # An unverified row, as allauth leaves when it first looks at an account's addresses.
    EmailAddress.objects.create(user=referent_a, email=referent_a.email, verified=False, primary=True)
    invitation = services.invitation_create(
        acting_user=chamber_admin, email=referent_a.email, organisation=centre_a2, role=Role.READONLY
    )
    services.invitation_accept(invitation=invitation, user=referent_a)
    assert list(EmailAddress.objects.filter(user=referent_a).values_list("email", "verified", "primary")) == [
        (referent_a.email, True, True)
    ]
    entry = AuditEntry.objects.get(action="user.address_verified")
    assert (entry.actor, entry.data) == (referent_a, {"proof": "invitation"})


def test_people_who_accepted_before_get_their_address_verified_by_the_migration(centre_admin_a, centre_a):
    import importlib

    from allauth.account.models import EmailAddress
    from django.apps import apps

    migration = importlib.import_module("partners.migrations.0010_invited_addresses_verified")
    invitation, _token = factories.make_invitation(organisation=centre_a, invited_by=centre_admin_a)
    joined = factories.UserFactory(email=invitation.email)
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=timezone.now())
    EmailAddress.objects.create(user=joined, email=joined.email, verified=False, primary=True)
    never_invited = factories.UserFactory(email="someone@montclar.example")
    EmailAddress.objects.create(user=never_invited, email=never_invited.email, verified=False, primary=True)
    migration.forwards(apps, None)
    assert EmailAddress.objects.get(user=joined).verified
    assert not EmailAddress.objects.get(user=never_invited).verified


def test_a_weak_password_is_refused_and_creates_nothing(centre_admin_a, centre_a):
    invitation, _token = _invite(centre_admin_a, centre_a)
    with pytest.raises(ValidationError) as caught:
        services.invitation_accept(invitation=invitation, first_name="A", last_name="B", password="123")
    assert "password1" in caught.value.message_dict
    assert not User.objects.filter(email="new@montclar.example").exists()


def test_an_invitation_never_sets_an_existing_accounts_password(
    centre_admin_a, centre_a2, referent_a, chamber_admin
):
    invitation = services.invitation_create(
        acting_user=chamber_admin, email=referent_a.email, organisation=centre_a2, role=Role.READONLY
    )
    with pytest.raises(ValidationError):
        services.invitation_accept(invitation=invitation, password="une-phrase-longue-42")
    services.invitation_accept(invitation=invitation, user=referent_a)
    assert Membership.objects.get(user=referent_a, organisation=centre_a2).role == Role.READONLY
    referent_a.refresh_from_db()
    assert not referent_a.check_password("une-phrase-longue-42")


def test_an_expired_invitation_is_unusable(centre_admin_a, centre_a):
    invitation, token = _invite(centre_admin_a, centre_a, email="late@montclar.example")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert services.invitation_for_token(token) is None


def test_resending_replaces_the_link(centre_admin_a, centre_a):
    invitation, old = _invite(centre_admin_a, centre_a)
    services.invitation_resend(invitation=invitation, acting_user=centre_admin_a)
    assert services.invitation_for_token(old) is None  # at once, before the new e-mail leaves
    new = _token_in(_deliver_invitations()[-1])
    assert services.invitation_for_token(new) == invitation


def test_an_invitation_email_overtaken_by_a_resend_carries_no_working_link(centre_admin_a, centre_a):
    invitation = services.invitation_create(
        acting_user=centre_admin_a, email="new@montclar.example", organisation=centre_a, role=Role.REFERENT
    )
    services.invitation_resend(invitation=invitation, acting_user=centre_admin_a)
    first, second = OutboundEmail.objects.filter(kind="invitation").order_by("pk")
    email_deliver(message_id=second.pk)  # the newer e-mail leaves first (the older one was held up)
    new = _token_in(mail.outbox[-1])
    email_deliver(message_id=first.pk)
    assert _token_in(mail.outbox[-1]) is None
    assert services.invitation_for_token(new) == invitation


def test_revoked_invitations_no_longer_work(centre_admin_a, centre_a):
    invitation, token = _invite(centre_admin_a, centre_a)
    services.invitation_revoke(invitation=invitation, acting_user=centre_admin_a)
    assert services.invitation_for_token(token) is None


def test_an_invitation_revoked_before_its_email_left_carries_no_link(centre_admin_a, centre_a):
    invitation = services.invitation_create(
        acting_user=centre_admin_a, email="new@montclar.example", organisation=centre_a, role=Role.REFERENT
    )
    services.invitation_revoke(invitation=invitation, acting_user=centre_admin_a)
    assert _token_in(_deliver_invitations()[-1]) is None
    assert Invitation.objects.get(pk=invitation.pk).token_hash is None


def test_invitation_emails_stored_before_the_upgrade_keep_no_usable_token(centre_admin_a, centre_a):
    import importlib

    from django.apps import apps
    from django.conf import settings

    invitation, old_token = factories.make_invitation(organisation=centre_a, invited_by=centre_admin_a)
    url = f"{settings.SITE_URL}/accounts/invitation/{old_token}/"
    stored = {
        status: OutboundEmail.objects.create(
            kind="invitation",
            to=invitation.email,
            language="fr",
            subject="Invitation",
            body_text=f"Choisissez votre mot de passe :\n{url}\n",
            body_html=f'<a href="{url}">{url}</a>',
            status=status,
            related_type="partners.Invitation",
            related_id=str(invitation.pk),
        )
        for status in (EmailStatus.SENT, EmailStatus.QUEUED)
    }
    migration = importlib.import_module("partners.migrations.0007_email_secrets_bound_at_queue_time")
    migration.bind_stored_placeholders(apps, None)
    for message in stored.values():
        message.refresh_from_db()
        assert old_token not in message.body_text + message.body_html
    assert "personal link" in email_body_redacted(stored[EmailStatus.SENT])
    token = _token_in(_deliver_invitations()[-1])  # the queued one leaves with a fresh token
    assert services.invitation_for_token(token) == invitation


def test_nobody_changes_their_own_role(centre_admin_a):
    membership = centre_admin_a.memberships.get()
    with pytest.raises(ValidationError):
        services.membership_change_role(membership=membership, role=Role.READONLY, acting_user=centre_admin_a)


def test_a_centre_admin_changes_a_referents_role(centre_admin_a, referent_a):
    membership = referent_a.memberships.get()
    services.membership_change_role(membership=membership, role=Role.READONLY, acting_user=centre_admin_a)
    membership.refresh_from_db()
    assert membership.role == Role.READONLY
    assert AuditEntry.objects.get(action="membership.role").data["changes"]["role"] == [
        "referent",
        "readonly",
    ]


def test_a_centre_admin_cannot_demote_a_network_admin(centre_admin_a, centre_a):
    boss = factories.UserFactory()
    membership = factories.MembershipFactory(user=boss, organisation=centre_a, role=Role.NETWORK_ADMIN)
    with pytest.raises(ValidationError):
        services.membership_change_role(membership=membership, role=Role.READONLY, acting_user=centre_admin_a)


def test_deactivation_ends_the_persons_sessions_at_once(client, centre_admin_a, referent_a):
    client.force_login(referent_a)
    assert client.get("/partners/").status_code == 200
    services.membership_deactivate(membership=referent_a.memberships.get(), acting_user=centre_admin_a)
    referent_a.refresh_from_db()
    assert referent_a.is_active is False
    assert not [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(referent_a.pk)
    ]
    response = client.get("/partners/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_deactivating_one_of_several_memberships_keeps_the_account(chamber_admin, centre_a2, referent_a):
    factories.MembershipFactory(user=referent_a, organisation=centre_a2)
    services.membership_deactivate(
        membership=referent_a.memberships.get(organisation=centre_a2), acting_user=chamber_admin
    )
    referent_a.refresh_from_db()
    assert referent_a.is_active


def test_reactivation_restores_access(centre_admin_a, referent_a):
    membership = referent_a.memberships.get()
    services.membership_deactivate(membership=membership, acting_user=centre_admin_a)
    services.membership_reactivate(membership=membership, acting_user=centre_admin_a)
    referent_a.refresh_from_db()
    membership.refresh_from_db()
    assert referent_a.is_active and membership.is_active


def test_the_audit_log_refuses_changes(referent_a):
    entry = AuditEntry.objects.create(action="test", actor=referent_a)
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
