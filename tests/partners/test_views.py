import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from partners import panels
from partners.accounts.models import User
from partners.accounts.roles import Role
from partners.agreements.models import PartnershipAgreement
from partners.audit.models import AuditEntry
from partners.directory.models import Contact, Organisation
from partners.emails.delivery import email_deliver
from partners.emails.models import OutboundEmail
from tests import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def form_data(centre, **extra):
    return {
        "kind": "host_company",
        "owner_centre": centre.pk,
        "name": "Forno Antico Bellini S.r.l.",
        "country": "IT",
        "city": "Bologna",
        **extra,
    }


# --- Directory --------------------------------------------------------------------------------
def test_directory_searches_by_name(client_of, referent_a, host_company_a, centre_a):
    factories.DirectoryEntryFactory(owner_centre=centre_a, name="Construcciones Ibarra")
    response = client_of(referent_a).get("/partners/", {"q": "müller"})
    assert list(response.context["page"].object_list) == [host_company_a]


def test_directory_sorts_by_city_descending(client_of, referent_a, centre_a):
    factories.DirectoryEntryFactory(owner_centre=centre_a, city="Aachen")
    factories.DirectoryEntryFactory(owner_centre=centre_a, city="Zagreb")
    response = client_of(referent_a).get("/partners/", {"sort": "-city", "kind": "host_company"})
    cities = [o.city for o in response.context["page"].object_list]
    assert cities == sorted(cities, reverse=True)


def test_directory_paginates_by_25(client_of, referent_a, centre_a):
    factories.DirectoryEntryFactory.create_batch(30, owner_centre=centre_a)
    response = client_of(referent_a).get("/partners/", {"page": 2, "kind": "host_company"})
    assert len(response.context["page"].object_list) == 5


def test_directory_page_runs_a_constant_number_of_queries(
    client_of, referent_a, centre_a, django_assert_max_num_queries
):
    factories.DirectoryEntryFactory.create_batch(30, owner_centre=centre_a)
    client = client_of(referent_a)
    with django_assert_max_num_queries(10):
        assert client.get("/partners/").status_code == 200


def test_directory_search_answers_an_htmx_request_with_the_results_only(
    client_of, referent_a, host_company_a
):
    response = client_of(referent_a).get("/partners/", {"q": "müller"}, HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert host_company_a.short_name.encode() in response.content or b"M\xc3\xbcller" in response.content


def test_country_filter_offers_only_countries_with_partners(
    client_of, referent_a, host_company_a, host_company_b
):
    form = client_of(referent_a).get("/partners/").context["form"]
    codes = {code for code, _label in form.fields["country"].choices}
    assert "DE" in codes and "ES" not in codes  # ES is chamber B's company only


def test_detail_shows_contacts_agreements_history_and_panels(
    client_of, referent_a, centre_a, host_company_a, tutor_a
):
    factories.AgreementFactory(owner_centre=centre_a, partners=[host_company_a], title="MoU Freiburg")

    @panels.register("organisation_detail", order=99)
    def hosted(request, organisation):
        return f"<section>hosted by {organisation.pk}</section>"

    try:
        response = client_of(referent_a).get(f"/partners/{host_company_a.pk}/")
    finally:
        panels._REGISTRY["organisation_detail"] = [
            e for e in panels._REGISTRY["organisation_detail"] if e[1] is not hosted
        ]
    content = response.content.decode()
    assert tutor_a.full_name in content
    assert "MoU Freiburg" in content
    assert f"hosted by {host_company_a.pk}" in content
    assert "History" in content or "Historique" in content


def test_create_then_land_on_the_new_organisation(client_of, referent_a, centre_a, chamber_a):
    response = client_of(referent_a).post("/partners/new/", form_data(centre_a, oid="e10203040"))
    org = Organisation.objects.get(name="Forno Antico Bellini S.r.l.")
    assert response.url == f"/partners/{org.pk}/"
    assert (org.oid, org.network, org.owner_centre) == ("E10203040", chamber_a, centre_a)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("oid", "E1234"),
        ("oid", "X12345678"),
        ("pic", "12345"),
        ("email", "not-an-address"),
        ("phone", "call me"),
        ("website", "javascript:alert(1)"),
        ("country", "XX"),
    ],
)
def test_malformed_input_is_reported_on_its_field_and_nothing_is_stored(
    client_of, referent_a, centre_a, field, value
):
    response = client_of(referent_a).post("/partners/new/", form_data(centre_a, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert f'href="#id_{field}"'.encode() in response.content  # the summary links to the field
    assert not Organisation.objects.filter(name="Forno Antico Bellini S.r.l.").exists()


def test_a_forged_owner_centre_is_refused_without_saying_more(client_of, referent_a, centre_b):
    response = client_of(referent_a).post("/partners/new/", form_data(centre_b))
    assert "owner_centre" in response.context["form"].errors
    assert centre_b.name.encode() not in response.content
    assert not Organisation.objects.filter(name="Forno Antico Bellini S.r.l.").exists()


def test_a_likely_duplicate_warns_and_links_to_the_existing_record(
    client_of, referent_a, centre_a, host_company_a
):
    client = client_of(referent_a)
    data = form_data(centre_a, name="Baeckerei Müller", city=host_company_a.city, country="DE")
    data["name"] = "BÄCKEREI MÜLLER"
    response = client.post("/partners/new/", data)
    assert response.status_code == 200
    assert f'href="/partners/{host_company_a.pk}/"'.encode() in response.content
    assert Organisation.objects.filter(normalised_name="backerei muller").count() == 1
    confirmed = client.post("/partners/new/", {**data, "confirm_duplicate": "on"})
    assert confirmed.status_code == 302
    assert Organisation.objects.filter(normalised_name="backerei muller").count() == 2


def test_the_same_oid_cannot_be_confirmed_away(client_of, referent_a, centre_a, host_company_a):
    response = client_of(referent_a).post(
        "/partners/new/", form_data(centre_a, oid=host_company_a.oid, confirm_duplicate="on")
    )
    assert "oid" in response.context["form"].errors
    assert not Organisation.objects.filter(name="Forno Antico Bellini S.r.l.").exists()


def test_edit_saves_the_change_and_history_shows_it(client_of, referent_a, host_company_a):
    client = client_of(referent_a)
    page = client.get(f"/partners/{host_company_a.pk}/edit/")
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update({"city": "Basel", "country": "CH", "is_sme": "unknown"})
    response = client.post(f"/partners/{host_company_a.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    host_company_a.refresh_from_db()
    assert host_company_a.city == "Basel"
    history = client.get(f"/partners/{host_company_a.pk}/history/")
    assert history.status_code == 200
    assert [e.action for e in history.context["page"].object_list] == ["organisation.update"]


def test_a_sibling_centre_reads_but_cannot_edit(client_of, centre_a2, host_company_a):
    colleague = factories.UserFactory()
    factories.MembershipFactory(user=colleague, organisation=centre_a2)
    client = client_of(colleague)
    assert client.get(f"/partners/{host_company_a.pk}/").status_code == 200
    assert client.get(f"/partners/{host_company_a.pk}/edit/").status_code == 403


# --- Contacts ---------------------------------------------------------------------------------
def test_add_a_tutor_with_languages(client_of, referent_a, host_company_a):
    response = client_of(referent_a).post(
        f"/partners/{host_company_a.pk}/contacts/new/",
        {
            "first_name": "Stefan",
            "last_name": "Hofmann",
            "email": "stefan@hofmann.example",
            "phone": "+49 761 123 4567",
            "languages": ["de", "en"],
            "preferred_language": "de",
            "is_tutor": "on",
        },
    )
    assert response.status_code == 302
    tutor = Contact.objects.get(last_name="Hofmann")
    assert (tutor.languages, tutor.preferred_language, tutor.is_tutor) == (["de", "en"], "de", True)


@pytest.mark.parametrize(
    ("field", "value"), [("email", "stefan@"), ("phone", "abc"), ("languages", "klingon")]
)
def test_contact_input_errors_are_shown_on_the_field(client_of, referent_a, host_company_a, field, value):
    data = {"first_name": "Stefan", "last_name": "Hofmann", "preferred_language": "de", field: value}
    response = client_of(referent_a).post(f"/partners/{host_company_a.pk}/contacts/new/", data)
    assert field in response.context["form"].errors
    assert not Contact.objects.exists()


def test_a_contact_of_another_network_is_a_404(client_of, referent_a, host_company_b):
    other = factories.ContactFactory(organisation=host_company_b)
    client = client_of(referent_a)
    assert client.get(f"/partners/contacts/{other.pk}/").status_code == 404
    assert client.post(f"/partners/contacts/{other.pk}/delete/").status_code == 404
    assert Contact.objects.filter(pk=other.pk).exists()


# --- Agreements -------------------------------------------------------------------------------
def agreement_form(centre, partner, **extra):
    today = timezone.localdate()
    return {
        "owner_centre": centre.pk,
        "title": "MoU Freiburg",
        "partners": [partner.pk],
        "valid_from": today.isoformat(),
        "valid_until": today.replace(year=today.year + 2).isoformat(),
        **extra,
    }


def test_an_agreement_with_its_signed_copy_is_downloadable_by_colleagues(
    client_of, referent_a, readonly_a, centre_a, host_company_a
):
    data = agreement_form(centre_a, host_company_a, signed_copy=SimpleUploadedFile("scan.pdf", PDF))
    response = client_of(referent_a).post("/partners/agreements/new/", data)
    agreement = PartnershipAgreement.objects.get()
    assert response.url == f"/partners/agreements/{agreement.pk}/"
    download = client_of(readonly_a).get(f"/partners/agreements/{agreement.pk}/signed-copy/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == PDF


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("scan.pdf", b"<html><script>alert(1)</script>"), "not a valid"),
        (SimpleUploadedFile("scan.pdf", PDF + b" " * 200), "too large"),
        (SimpleUploadedFile("scan.pdf", b""), "empty"),
    ],
)
def test_a_bad_upload_is_reported_on_the_field_and_nothing_is_stored(
    client_of, referent_a, centre_a, host_company_a, settings, upload, message
):
    settings.UPLOAD_MAX_BYTES = 150
    response = client_of(referent_a).post(
        "/partners/agreements/new/", agreement_form(centre_a, host_company_a, signed_copy=upload)
    )
    errors = response.context["form"].errors
    assert "signed_copy" in errors
    assert message in " ".join(errors["signed_copy"]) or message in response.content.decode()
    assert not PartnershipAgreement.objects.exists()


def test_an_end_before_the_start_is_reported_on_the_end(client_of, referent_a, centre_a, host_company_a):
    data = agreement_form(centre_a, host_company_a, valid_until="2020-01-01")
    response = client_of(referent_a).post("/partners/agreements/new/", data)
    assert "valid_until" in response.context["form"].errors


def test_a_forged_partner_id_is_refused(client_of, referent_a, centre_a, host_company_b):
    response = client_of(referent_a).post(
        "/partners/agreements/new/", agreement_form(centre_a, host_company_b)
    )
    assert "partners" in response.context["form"].errors
    assert not PartnershipAgreement.objects.exists()


def test_the_agreements_page_lists_those_ending_soon(client_of, referent_a, centre_a):
    from datetime import timedelta

    soon = factories.AgreementFactory(
        owner_centre=centre_a, valid_until=timezone.localdate() + timedelta(days=30)
    )
    response = client_of(referent_a).get("/partners/agreements/")
    assert response.context["expiring"] == [soon]


def test_the_dashboard_lists_agreements_ending_soon(client_of, referent_a, centre_a):
    from datetime import timedelta

    factories.AgreementFactory(
        owner_centre=centre_a, title="MoU Cork", valid_until=timezone.localdate() + timedelta(days=10)
    )
    assert b"MoU Cork" in client_of(referent_a).get("/").content


def test_a_signed_copy_is_never_served_to_the_outsider(client_of, referent_b, centre_a):
    agreement = factories.AgreementFactory(owner_centre=centre_a)
    assert client_of(referent_b).get(f"/partners/agreements/{agreement.pk}/signed-copy/").status_code == 404


# --- Team and invitations ---------------------------------------------------------------------
def test_an_administrator_invites_and_the_invitee_sets_a_password(
    client, client_of, centre_admin_a, centre_a
):
    admin = client_of(centre_admin_a)
    response = admin.post(
        "/partners/team/invite/",
        {
            "email": "noe@montclar.example",
            "organisation": centre_a.pk,
            "role": Role.REFERENT,
            "language": "fr",
        },
    )
    assert response.status_code == 302
    admin.logout()
    email_deliver(message_id=OutboundEmail.objects.get().pk)
    link = re.search(r"http://\S+/accounts/invitation/\S+/", mail.outbox[-1].body).group(0)
    opened = client.get(urlparse(link).path)
    assert opened.url == "/accounts/invitation/"  # the token leaves the address bar
    page = client.post(
        "/accounts/invitation/",
        {
            "first_name": "Noé",
            "last_name": "Petit",
            "password1": "une-phrase-longue-42",
            "password2": "une-phrase-longue-42",
        },
    )
    assert page.status_code == 302
    user = User.objects.get(email="noe@montclar.example")
    assert user.memberships.get().role == Role.REFERENT
    assert client.get("/partners/").status_code == 200  # logged in right away


def test_passwords_that_differ_are_reported(client, centre_admin_a, centre_a):
    invitation, token = factories.make_invitation(organisation=centre_a, invited_by=centre_admin_a)
    client.get(f"/accounts/invitation/{token}/")
    response = client.post(
        "/accounts/invitation/",
        {"first_name": "A", "last_name": "B", "password1": "une-phrase-longue-42", "password2": "autre"},
    )
    assert "password2" in response.context["form"].errors
    assert not User.objects.filter(email=invitation.email).exists()


def test_an_unknown_invitation_link_says_it_is_no_longer_valid(client):
    response = client.get("/accounts/invitation/not-a-real-token/")
    assert response.status_code == 404
    assert b"no longer valid" in response.content or b"plus valable" in response.content


def test_the_team_page_shows_members_and_pending_invitations(client_of, centre_admin_a, referent_a, centre_a):
    factories.make_invitation(
        organisation=centre_a, invited_by=centre_admin_a, email="pending@montclar.example"
    )
    content = client_of(centre_admin_a).get("/partners/team/").content.decode()
    assert referent_a.email in content
    assert "pending@montclar.example" in content


def test_deactivate_from_the_team_page(client_of, centre_admin_a, referent_a):
    membership = referent_a.memberships.get()
    response = client_of(centre_admin_a).post(f"/partners/team/members/{membership.pk}/deactivate/")
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.is_active is False


def test_change_a_role_from_the_team_page(client_of, centre_admin_a, referent_a):
    membership = referent_a.memberships.get()
    client = client_of(centre_admin_a)
    client.post(f"/partners/team/members/{membership.pk}/", {"role": Role.READONLY})
    membership.refresh_from_db()
    assert membership.role == Role.READONLY


def test_a_role_above_ones_own_is_not_offered_nor_accepted(client_of, centre_admin_a, referent_a):
    membership = referent_a.memberships.get()
    response = client_of(centre_admin_a).post(
        f"/partners/team/members/{membership.pk}/", {"role": Role.NETWORK_ADMIN}
    )
    assert "role" in response.context["form"].errors
    membership.refresh_from_db()
    assert membership.role == Role.REFERENT


def test_denied_and_out_of_scope_requests_are_audited(client_of, referent_b, referent_a, host_company_a):
    client_of(referent_b).get(f"/partners/{host_company_a.pk}/")
    client_of(referent_a).get("/partners/team/")
    denied = list(AuditEntry.objects.filter(action="access.denied").order_by("id"))
    assert [(e.actor, e.data["status"]) for e in denied] == [(referent_b, 404), (referent_a, 403)]
    assert denied[0].target_id == str(host_company_a.pk)


def test_an_unknown_id_is_not_recorded_as_a_denied_access(client_of, referent_a):
    assert client_of(referent_a).get("/partners/99999/").status_code == 404
    assert not AuditEntry.objects.filter(action="access.denied").exists()


def test_the_organisation_page_runs_a_constant_number_of_queries(
    client_of, referent_a, centre_a, host_company_a, django_assert_max_num_queries
):
    factories.ContactFactory.create_batch(10, organisation=host_company_a)
    for _ in range(5):
        factories.AgreementFactory(owner_centre=centre_a, partners=[host_company_a])
    client = client_of(referent_a)
    with django_assert_max_num_queries(16):
        assert client.get(f"/partners/{host_company_a.pk}/").status_code == 200
