"""The OpenAPI schema and its documentation pages: complete, valid, served without a CDN."""

import re

import pytest
import yaml
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(api_client):
    response = api_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_the_schema_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate_schema(schema)


def test_every_operation_documents_the_error_shape(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            for code in ("400", "401", "403", "404", "429"):
                assert code in operation["responses"], f"{method.upper()} {path} lacks {code}"
                content = operation["responses"][code]["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/Error"}
    error = schema["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"status", "code", "detail", "errors"}


def test_every_operation_needs_a_token_or_a_session(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation["security"] == [{"tokenAuth": []}, {"cookieAuth": []}], f"{method} {path}"
    assert schema["components"]["securitySchemes"]["tokenAuth"]["scheme"] == "bearer"


def test_the_schema_covers_the_endpoints_of_the_issue(schema):
    paths = set(schema["paths"])
    for expected in (
        "/api/v1/learners/",
        "/api/v1/mobilities/{id}/",
        "/api/v1/mobilities/{id}/learning-agreement/",
        "/api/v1/mobilities/{id}/checklist/",
        "/api/v1/mobilities/{id}/transition/",
        "/api/v1/documents/{id}/download/",
        "/api/v1/projects/",
        "/api/v1/activity-types/",
        "/api/v1/me/",
    ):
        assert expected in paths


def test_list_operations_document_their_filters_and_paging(schema):
    names = {p["name"] for p in schema["paths"]["/api/v1/mobilities/"]["get"]["parameters"]}
    assert {
        "status",
        "country",
        "centre",
        "updated_since",
        "starts_after",
        "ordering",
        "page",
        "page_size",
    } <= names


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/api/v1/organisations/",
            {"search", "kind", "country", "sector", "oid", "updated_since", "ordering"},
        ),
        ("/api/v1/contacts/", {"organisation", "is_tutor", "search", "updated_since", "ordering"}),
    ],
)
def test_the_directory_lists_document_their_filters(schema, path, expected):
    names = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
    assert expected | {"page", "page_size"} <= names


@pytest.mark.parametrize("url", ["/api/docs/", "/api/docs/?script", "/api/redoc/"])
def test_the_documentation_pages_load_nothing_from_another_site(api_client, url):
    response = api_client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert not re.search(r"""(src|href)=["']https?://""", text)
    assert "fonts.googleapis" not in text
    if "script" not in url:
        assert not re.search(r"<script>(?!</script>)", text), "inline scripts are refused by the CSP"
        assets = re.findall(r"""(?:src|href)=["'](/static/[^"']+)""", text)
        assert any(a.startswith("/static/drf_spectacular_sidecar/") for a in assets)
