import pytest

from mobility.models import Learner
from partners.models import AuditEntry, Contact, Organisation

pytestmark = pytest.mark.django_db


def _fields(response):
    """The fields named by an error response (the API's one error shape)."""
    return {e["field"].split(".")[0] for e in response.json()["errors"] if e["field"]}


def test_the_api_lists_the_users_directory_only(client_of, referent_a, host_company_a, host_company_b):
    response = client_of(referent_a).get("/api/v1/organisations/", {"q": ""})
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
