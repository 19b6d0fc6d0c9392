from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from partners.accounts import selectors as accounts_selectors
from partners.accounts.access import OutOfScope, get_access
from partners.agreements import selectors as agreements_selectors
from partners.audit import selectors as audit_selectors
from partners.directory import selectors
from partners.directory.models import OrganisationKind
from tests import factories

pytestmark = pytest.mark.django_db


def test_chamber_admin_reaches_every_centre_below_the_chamber(chamber_admin, centre_a, centre_a2, centre_b):
    assert get_access(chamber_admin).centre_ids == {centre_a.pk, centre_a2.pk}


def test_referent_reaches_their_centre_only(referent_a, centre_a):
    assert get_access(referent_a).centre_ids == {centre_a.pk}


def test_referent_sees_the_directory_of_their_network(referent_a, host_company_a, host_company_b):
    listed = set(selectors.organisation_list_for_user(user=referent_a))
    assert host_company_a in listed
    assert host_company_b not in listed


def test_outsider_gets_a_404_that_names_the_other_tenant(referent_b, host_company_a):
    with pytest.raises(OutOfScope) as caught:
        selectors.organisation_get_for_user(user=referent_b, pk=host_company_a.pk)
    assert caught.value.target_id == host_company_a.pk


def test_unknown_id_is_a_plain_404(referent_a):
    with pytest.raises(Http404) as caught:
        selectors.organisation_get_for_user(user=referent_a, pk=987654)
    assert not isinstance(caught.value, OutOfScope)


def test_someone_without_membership_may_not_list_the_directory(operator):
    with pytest.raises(PermissionDenied):
        selectors.organisation_list_for_user(user=operator)


def test_search_ignores_accents_and_legal_forms(referent_a, host_company_a):
    assert list(selectors.organisation_list_for_user(user=referent_a, q="backerei muller")) == [
        host_company_a
    ]


def test_search_finds_an_oid_in_lower_case(referent_a, host_company_a):
    assert list(selectors.organisation_list_for_user(user=referent_a, q="e10000042")) == [host_company_a]


def test_search_finds_a_city(referent_a, host_company_a):
    assert host_company_a in selectors.organisation_list_for_user(user=referent_a, q="freiburg")


def test_filters_combine_kind_country_and_sector(referent_a, centre_a, host_company_a):
    other = factories.DirectoryEntryFactory(owner_centre=centre_a, country="DE", sector="F")
    host_company_a.sector = "C"
    host_company_a.save(update_fields=["sector"])
    found = selectors.organisation_list_for_user(
        user=referent_a, kind=OrganisationKind.HOST_COMPANY, country="DE", sector="C"
    )
    assert list(found) == [host_company_a]
    assert other not in found


def test_chamber_admin_sees_agreements_of_every_centre_below(chamber_admin, centre_a, centre_a2):
    a = factories.AgreementFactory(owner_centre=centre_a)
    a2 = factories.AgreementFactory(owner_centre=centre_a2)
    assert set(agreements_selectors.agreement_list_for_user(user=chamber_admin)) == {a, a2}


def test_referent_does_not_see_a_sibling_centres_agreement(referent_a, centre_a2):
    hidden = factories.AgreementFactory(owner_centre=centre_a2)
    assert hidden not in agreements_selectors.agreement_list_for_user(user=referent_a)
    with pytest.raises(OutOfScope):
        agreements_selectors.agreement_get_for_user(user=referent_a, pk=hidden.pk)


def test_expiring_agreements_are_those_ending_within_60_days(referent_a, centre_a):
    today = timezone.localdate()
    soon = factories.AgreementFactory(owner_centre=centre_a, valid_until=today + timedelta(days=59))
    edge = factories.AgreementFactory(owner_centre=centre_a, valid_until=today + timedelta(days=60))
    factories.AgreementFactory(owner_centre=centre_a, valid_until=today + timedelta(days=61))
    factories.AgreementFactory(
        owner_centre=centre_a, valid_from=today - timedelta(days=400), valid_until=today - timedelta(days=1)
    )
    assert list(agreements_selectors.agreement_expiring_for_user(user=referent_a)) == [soon, edge]


def test_duplicates_are_found_by_oid_vat_and_name_in_the_same_city(chamber_a, centre_a, host_company_a):
    host_company_a.national_id = "DE812345671"
    host_company_a.save(update_fields=["national_id"])

    def reasons(**probe):
        probe = {"name": "Other", "city": "Elsewhere", **probe}
        return [
            m.reasons for m in selectors.organisation_possible_duplicates(network_id=chamber_a.pk, **probe)
        ]

    assert reasons(oid="e10000042") == [("oid",)]
    assert reasons(national_id="de 812345671") == [("national_id",)]
    assert reasons(name="BACKEREI MÜLLER", city="freiburg im breisgau") == [("name_city",)]
    assert reasons(name="Bäckerei Müller", city="Berlin") == []


def test_duplicates_are_never_looked_for_in_another_network(chamber_b, host_company_a):
    assert (
        selectors.organisation_possible_duplicates(
            network_id=chamber_b.pk, name="x", city="y", oid="E10000042"
        )
        == []
    )


def test_staff_of_the_creating_centre_edit_a_directory_entry(referent_a, host_company_a):
    assert selectors.organisation_can_edit(user=referent_a, organisation=host_company_a)


def test_staff_of_a_sibling_centre_only_read_a_directory_entry(centre_a2, host_company_a):
    colleague = factories.UserFactory()
    factories.MembershipFactory(user=colleague, organisation=centre_a2)
    assert host_company_a in selectors.organisation_list_for_user(user=colleague)
    assert not selectors.organisation_can_edit(user=colleague, organisation=host_company_a)


def test_a_sibling_centre_may_add_its_own_tutor_to_a_shared_host_company(centre_a2, host_company_a):
    colleague = factories.UserFactory()
    factories.MembershipFactory(user=colleague, organisation=centre_a2)
    assert selectors.contact_can_add(user=colleague, organisation=host_company_a)


def test_chamber_admin_edits_entries_of_every_centre_below(chamber_admin, host_company_a):
    assert selectors.organisation_can_edit(user=chamber_admin, organisation=host_company_a)


def test_read_only_staff_edit_nothing(readonly_a, host_company_a, tutor_a):
    assert not selectors.organisation_can_edit(user=readonly_a, organisation=host_company_a)
    assert not selectors.contact_can_add(user=readonly_a, organisation=host_company_a)
    assert not selectors.contact_can_edit(user=readonly_a, contact=tutor_a)


def test_only_administrators_merge(referent_a, centre_admin_a, chamber_admin, host_company_a, centre_a):
    other = factories.DirectoryEntryFactory(owner_centre=centre_a)
    assert not selectors.organisation_can_merge(user=referent_a, keep=host_company_a, other=other)
    assert selectors.organisation_can_merge(user=centre_admin_a, keep=host_company_a, other=other)
    assert selectors.organisation_can_merge(user=chamber_admin, keep=host_company_a, other=other)


def test_a_centre_admin_grants_no_role_above_their_own(centre_admin_a, chamber_admin, centre_a):
    assert "network_admin" not in accounts_selectors.roles_grantable_by(
        user=centre_admin_a, organisation_id=centre_a.pk
    )
    assert "network_admin" in accounts_selectors.roles_grantable_by(
        user=chamber_admin, organisation_id=centre_a.pk
    )


def test_team_lists_memberships_of_managed_organisations_only(centre_admin_a, referent_a, referent_b):
    listed = {m.user for m in accounts_selectors.membership_list_for_manager(user=centre_admin_a)}
    assert referent_a in listed
    assert referent_b not in listed


def test_directory_list_runs_a_constant_number_of_queries(
    referent_a, centre_a, django_assert_max_num_queries
):
    factories.DirectoryEntryFactory.create_batch(30, owner_centre=centre_a)
    get_access(referent_a)
    with django_assert_max_num_queries(1):
        rows = list(selectors.organisation_list_for_user(user=referent_a)[:25])
    assert len(rows) == 25


def test_history_leaves_out_refused_attempts(referent_a, host_company_a):
    from partners.audit.services import audit_record

    audit_record(action="organisation.update", actor=referent_a, target=host_company_a)
    audit_record(action="access.denied", actor=referent_a, target=host_company_a)
    assert [e.action for e in audit_selectors.history_for(obj=host_company_a)] == ["organisation.update"]
