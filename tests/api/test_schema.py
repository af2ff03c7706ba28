import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings_and_validates(tmp_path):
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))

    schema = yaml.safe_load(target.read_text())
    assert sorted(schema["paths"]) == [
        "/api/v1/listings/",
        "/api/v1/listings/{id}/",
        "/api/v1/listings/{id}/archive/",
        "/api/v1/listings/{id}/close/",
        "/api/v1/listings/{id}/publish/",
        "/api/v1/listings/{id}/share/",
        "/api/v1/need-areas/",
        "/api/v1/need-areas/{slug}/",
        "/api/v1/needs/",
        "/api/v1/needs/{slug}/",
        "/api/v1/organisations/",
        "/api/v1/organisations/{slug}/",
        "/api/v1/saved-searches/",
        "/api/v1/saved-searches/{id}/",
        "/api/v1/tags/",
        "/api/v1/tags/{slug}/",
    ]
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }


def test_schema_endpoint_and_docs_page_answer(api_client):
    schema = api_client.get("/api/schema/")
    docs = api_client.get("/api/docs/")

    assert (schema.status_code, docs.status_code) == (200, 200)
    assert schema["Content-Type"] == "application/vnd.oai.openapi; charset=utf-8"
