import pytest

from mobility.learners.models import Learner
from partners.audit.models import AuditEntry
from partners.directory.models import Contact, Organisation, normalise_name

from .. import factories

pytestmark = pytest.mark.django_db


def _fields(response):
    """The fields named by an error response (the API's one error shape)."""
    return {e["field"].split(".")[0] for e in response.json()["errors"] if e["field"]}


def test_the_api_lists_the_users_directory_only(client_of, referent_a, host_company_a, host_company_b):
    response = client_of(referent_a).get("/api/v1/organisations/")
    ids = {row["id"] for row in response.json()["results"]}
    assert host_company_a.pk in ids
    assert host_company_b.pk not in ids


def test_another_networks_organisation_is_a_404_and_is_audited(client_of, referent_b, host_company_a):
    response = client_of(referent_b).get(f"/api/v1/organisations/{host_company_a.pk}/")
    assert response.status_code == 404
    entry = AuditEntry.objects.get(action="access.denied")
    assert (entry.actor, entry.target_id, entry.data["status"]) == (referent_b, str(host_company_a.pk), 404)


def test_create_through_the_api_sets_network_and_creating_centre(client_of, referent_a, centre_a, chamber_a):
    response = client_of(referent_a).post(
        "/api/v1/organisations/",
        {
            "kind": "host_company",
            "name": "Leipomo Virtanen Oy",
            "country": "FI",
            "city": "Tampere",
            "owner_centre": centre_a.pk,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    org = Organisation.objects.get(pk=response.json()["id"])
    assert (org.network, org.owner_centre) == (chamber_a, centre_a)


@pytest.mark.parametrize(
    ("field", "value"), [("oid", "E123"), ("pic", "12"), ("email", "nope"), ("country", "XX")]
)
def test_malformed_fields_are_a_400_naming_the_field(client_of, referent_a, centre_a, field, value):
    data = {
        "kind": "host_company",
        "name": "X",
        "country": "FI",
        "city": "Oulu",
        "owner_centre": centre_a.pk,
        field: value,
    }
    response = client_of(referent_a).post("/api/v1/organisations/", data, content_type="application/json")
    assert response.status_code == 400
    assert field in _fields(response)
    assert not Organisation.objects.filter(name="X").exists()


def test_a_forged_creating_centre_is_an_invalid_choice(client_of, referent_a, centre_b):
    data = {"kind": "host_company", "name": "X", "country": "FI", "city": "Oulu", "owner_centre": centre_b.pk}
    response = client_of(referent_a).post("/api/v1/organisations/", data, content_type="application/json")
    assert response.status_code == 400
    assert "owner_centre" in _fields(response)


def test_a_duplicate_is_a_400_listing_the_existing_record(client_of, referent_a, centre_a, host_company_a):
    data = {
        "kind": "host_company",
        "name": "X",
        "country": "DE",
        "city": "Kiel",
        "owner_centre": centre_a.pk,
        "oid": host_company_a.oid,
    }
    response = client_of(referent_a).post("/api/v1/organisations/", data, content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [e["message"] for e in errors if e["field"] == "duplicates"] == [str(host_company_a.pk)]


def test_read_only_staff_cannot_edit_through_the_api(client_of, readonly_a, host_company_a):
    response = client_of(readonly_a).patch(
        f"/api/v1/organisations/{host_company_a.pk}/", {"city": "Basel"}, content_type="application/json"
    )
    assert response.status_code == 403
    host_company_a.refresh_from_db()
    assert host_company_a.city != "Basel"


def test_contacts_of_an_organisation(client_of, referent_a, tutor_a, host_company_a):
    response = client_of(referent_a).get("/api/v1/contacts/", {"organisation": host_company_a.pk})
    assert [row["email"] for row in response.json()["results"]] == [tutor_a.email]


def test_a_contact_still_named_on_a_record_is_a_409(client_of, referent_a, centre_a, tutor_a):
    Learner.objects.create(centre=centre_a, first_name="Léa", last_name="Martin", employer_contact=tutor_a)
    response = client_of(referent_a).delete(f"/api/v1/contacts/{tutor_a.pk}/")
    assert response.status_code == 409
    assert Contact.objects.filter(pk=tutor_a.pk).exists()


def test_without_credentials_the_api_answers_401(client):
    response = client.get("/api/v1/organisations/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_language_codes_are_refused(client_of, referent_a, host_company_a):
    data = {"organisation": host_company_a.pk, "first_name": "A", "last_name": "B", "languages": ["xx"]}
    response = client_of(referent_a).post("/api/v1/contacts/", data, content_type="application/json")
    assert response.status_code == 400
    assert "languages" in _fields(response)


def test_unknown_and_read_only_fields_are_refused_not_dropped(client_of, referent_a, host_company_a, tutor_a):
    client = client_of(referent_a)
    response = client.patch(
        f"/api/v1/organisations/{host_company_a.pk}/",
        {"citty": "Tampere", "id": 99},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert _fields(response) == {"citty", "id"}
    codes = {e["field"]: e["code"] for e in response.json()["errors"]}
    assert codes == {"citty": "unknown_field", "id": "read_only"}
    response = client.patch(
        f"/api/v1/contacts/{tutor_a.pk}/", {"emial": "x@example.org"}, content_type="application/json"
    )
    assert response.status_code == 400 and _fields(response) == {"emial"}
    host_company_a.refresh_from_db()
    assert host_company_a.city != "Tampere"


def test_the_directory_is_filtered_by_search_kind_country_and_oid(
    client_of, referent_a, centre_a, host_company_a
):
    other = factories.DirectoryEntryFactory(owner_centre=centre_a, name="Panadería Sol", city="Valencia")
    client = client_of(referent_a)

    def ids(**params):
        response = client.get("/api/v1/organisations/", params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids(search="backerei muller") == {host_company_a.pk}  # accents and case folded
    assert ids(country="DE") == {host_company_a.pk}
    assert ids(oid="e10000042") == {host_company_a.pk}
    assert other.pk in ids(kind=other.kind, city="valencia")
    assert ids(kind="training_centre").isdisjoint({host_company_a.pk, other.pk})


def test_the_directory_gives_what_changed_since_the_last_synchronisation(
    client_of, referent_a, host_company_a, time_machine
):
    import datetime

    from django.utils import timezone

    since = timezone.now() + datetime.timedelta(minutes=1)
    client = client_of(referent_a)
    assert client.get("/api/v1/organisations/", {"updated_since": since.isoformat()}).json()["count"] == 0
    time_machine.move_to(since + datetime.timedelta(minutes=1))
    client.patch(
        f"/api/v1/organisations/{host_company_a.pk}/", {"city": "Freiburg"}, content_type="application/json"
    )
    rows = client.get("/api/v1/organisations/", {"updated_since": since.isoformat()}).json()["results"]
    assert [row["id"] for row in rows] == [host_company_a.pk]


def test_directory_lists_are_ordered_as_asked(client_of, referent_a, centre_a, host_company_a, tutor_a):
    factories.DirectoryEntryFactory(owner_centre=centre_a, name="Atelier Zéphyr", city="Aachen", country="DE")
    factories.ContactFactory(organisation=host_company_a, last_name="Zimmermann")
    factories.ContactFactory(organisation=host_company_a, last_name="Abel")
    client = client_of(referent_a)
    names = [r["name"] for r in client.get("/api/v1/organisations/", {"ordering": "-name"}).json()["results"]]
    assert names == sorted(names, key=normalise_name, reverse=True)
    cities = [r["city"] for r in client.get("/api/v1/organisations/", {"ordering": "city"}).json()["results"]]
    assert cities == sorted(cities)
    last = [
        r["last_name"] for r in client.get("/api/v1/contacts/", {"ordering": "-last_name"}).json()["results"]
    ]
    assert last == sorted(last, reverse=True)


@pytest.mark.parametrize(
    ("url", "params", "field", "code"),
    [
        ("/api/v1/organisations/", {"country": "zz"}, "country", "invalid_choice"),
        ("/api/v1/organisations/", {"kind": "castle"}, "kind", "invalid_choice"),
        ("/api/v1/organisations/", {"sector": "Z"}, "sector", "invalid_choice"),
        ("/api/v1/organisations/", {"updated_since": "yesterday"}, "updated_since", "invalid"),
        ("/api/v1/organisations/", {"ordering": "password"}, "ordering", "invalid_ordering"),
        ("/api/v1/organisations/", {"q": "Müller"}, "q", "unknown_parameter"),
        ("/api/v1/organisations/", {"search": ""}, "search", "empty_parameter"),
        ("/api/v1/contacts/", {"organisation": "abc"}, "organisation", "invalid"),
        ("/api/v1/contacts/", {"is_tutor": "maybe"}, "is_tutor", "invalid"),
        ("/api/v1/contacts/", {"ordering": "email"}, "ordering", "invalid_ordering"),
        ("/api/v1/contacts/", {"organisaton": "1"}, "organisaton", "unknown_parameter"),
    ],
)
def test_invalid_directory_filters_are_a_400_naming_the_parameter(
    client_of, referent_a, url, params, field, code
):
    response = client_of(referent_a).get(url, params)
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]


def test_a_filter_on_another_networks_organisation_finds_nothing(client_of, referent_a, host_company_b):
    factories.ContactFactory(organisation=host_company_b)
    response = client_of(referent_a).get("/api/v1/contacts/", {"organisation": host_company_b.pk})
    assert response.status_code == 200
    assert response.json()["count"] == 0
