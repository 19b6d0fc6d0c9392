"""Matrix of the partners app: directory, contacts, agreements, team, invitations, its API."""

from __future__ import annotations

from django.core.files.base import ContentFile

from tests import factories

from .base import Route, everyone, expect, members, world_object

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


# --- Centre A's objects -----------------------------------------------------------------------
@world_object
def host_company(w):
    return factories.HostCompanyFactory(network=w.chamber_a, owner_centre=w.centre_a)


@world_object
def tutor_contact(w):
    return factories.ContactFactory(organisation=w.host_company, owner_centre=w.centre_a)


@world_object
def agreement(w):
    agreement = factories.AgreementFactory(owner_centre=w.centre_a, partners=[w.host_company])
    agreement.signed_copy.save("signed.pdf", ContentFile(PDF), save=True)
    return agreement


@world_object
def readonly_membership(w):
    return w.readonly_a.memberships.get(organisation=w.centre_a)


@world_object
def invitation(w):
    invitation, token = factories.make_invitation(organisation=w.centre_a, invited_by=w.chamber_admin)
    invitation.token = token
    return invitation


def org(w):
    return {"pk": w.host_company.pk}


def contact(w):
    return {"pk": w.tutor_contact.pk}


def agreement_pk(w):
    return {"pk": w.agreement.pk}


# An object of centre A: the outsider and the operator (no membership) get 404.
OBJECT = expect(referent_b=404, readonly_a=200, referent_a=200, chamber_admin=200, operator=404)
# Changing it: read-only staff lack the capability (403).
EDIT = expect(referent_b=404, readonly_a=403, referent_a=200, chamber_admin=200, operator=404)
EDIT_POST = expect(referent_b=404, readonly_a=403, referent_a=302, chamber_admin=302, operator=404)
# A page of one's own organisations where one creates something.
CREATE = expect(referent_b=200, readonly_a=403, referent_a=200, chamber_admin=200, operator=403)
# Team management: administrators only (nobody else manages accounts anywhere: 403).
ADMIN = expect(referent_b=403, readonly_a=403, referent_a=403, chamber_admin=200, operator=403)
ADMIN_POST = expect(referent_b=403, readonly_a=403, referent_a=403, chamber_admin=302, operator=403)
# The API answers 403 to a request without a session (no login redirect).
# The REST API: 401 without credentials; the operator (no membership) is refused before any lookup.
API_LIST = expect(
    anonymous=401, referent_b=200, readonly_a=200, referent_a=200, chamber_admin=200, operator=403
)
API_OBJECT = expect(
    anonymous=401, referent_b=404, readonly_a=200, referent_a=200, chamber_admin=200, operator=403
)

ROUTES = [
    Route("partners:organisation-list", members()),
    Route("partners:organisation-picker", members(), query=lambda w: "kind=host&q=a"),
    Route("partners:organisation-create", CREATE),
    Route("partners:organisation-detail", OBJECT, kwargs=org),
    Route("partners:organisation-update", EDIT, kwargs=org),
    Route(
        "partners:organisation-merge",
        expect(referent_b=404, readonly_a=403, referent_a=403, chamber_admin=200, operator=404),
        kwargs=org,
    ),
    Route("partners:organisation-history", OBJECT, kwargs=org),
    Route("partners:contact-create", EDIT, kwargs=lambda w: {"org_pk": w.host_company.pk}),
    Route("partners:contact-detail", OBJECT, kwargs=contact),
    Route("partners:contact-update", EDIT, kwargs=contact),
    Route("partners:contact-delete", EDIT_POST, kwargs=contact, method="post"),
    Route("partners:contact-history", OBJECT, kwargs=contact),
    Route("partners:agreement-list", members()),
    Route("partners:agreement-create", CREATE),
    Route("partners:agreement-detail", OBJECT, kwargs=agreement_pk),
    Route("partners:agreement-update", EDIT, kwargs=agreement_pk),
    Route("partners:agreement-signed-copy", OBJECT, kwargs=agreement_pk),
    Route("partners:agreement-history", OBJECT, kwargs=agreement_pk),
    Route("partners:user-list", ADMIN),
    Route("partners:invitation-create", ADMIN),
    Route("partners:invitation-resend", ADMIN_POST, kwargs=lambda w: {"pk": w.invitation.pk}, method="post"),
    Route("partners:invitation-revoke", ADMIN_POST, kwargs=lambda w: {"pk": w.invitation.pk}, method="post"),
    Route("partners:membership-update", ADMIN, kwargs=lambda w: {"pk": w.readonly_membership.pk}),
    Route(
        "partners:membership-deactivate",
        ADMIN_POST,
        kwargs=lambda w: {"pk": w.readonly_membership.pk},
        method="post",
    ),
    Route(
        "partners:membership-reactivate",
        ADMIN_POST,
        kwargs=lambda w: {"pk": w.readonly_membership.pk},
        method="post",
    ),
    # The e-mailed link: anyone holding it is sent on to the acceptance page (token out of the URL).
    Route("account_invitation", everyone(302), kwargs=lambda w: {"token": w.invitation.token}),
    # Without a token kept in the session there is nothing to accept.
    Route("account_invitation_accept", everyone(404)),
    # REST API
    Route("api:organisation-list", API_LIST),
    Route("api:organisation-detail", API_OBJECT, kwargs=org),
    Route("api:contact-list", API_LIST),
    Route("api:contact-detail", API_OBJECT, kwargs=contact),
]
