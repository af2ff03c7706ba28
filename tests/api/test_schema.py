import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings_and_validates(tmp_path):
    target = tmp_path / "schema.yml"

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))

    schema = yaml.safe_load(target.read_text())
    assert sorted(schema["paths"]) == [
        "/api/v1/bookings/",
        "/api/v1/bookings/{reference}/",
        "/api/v1/bookings/{reference}/cancel/",
        "/api/v1/bookings/{reference}/pay/",
        "/api/v1/case-studies/",
        "/api/v1/case-studies/{id}/",
        "/api/v1/case-studies/{id}/decline/",
        "/api/v1/case-studies/{id}/publish/",
        "/api/v1/case-studies/{id}/replicate/",
        "/api/v1/case-studies/{id}/withdraw/",
        "/api/v1/co-owners/",
        "/api/v1/co-owners/{id}/",
        "/api/v1/co-owners/{id}/accept/",
        "/api/v1/co-owners/{id}/decline/",
        "/api/v1/events/",
        "/api/v1/events/{id}/",
        "/api/v1/events/{id}/attendees/",
        "/api/v1/events/{id}/check-in/",
        "/api/v1/follows/",
        "/api/v1/follows/{id}/",
        "/api/v1/interests/",
        "/api/v1/interests/{id}/",
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
        "/api/v1/pilots/",
        "/api/v1/pilots/{id}/",
        "/api/v1/pilots/{id}/accept/",
        "/api/v1/pilots/{id}/cancel/",
        "/api/v1/pilots/{id}/case-study/",
        "/api/v1/pilots/{id}/complete/",
        "/api/v1/pilots/{id}/decline/",
        "/api/v1/pilots/{id}/messages/",
        "/api/v1/pilots/{id}/start/",
        "/api/v1/pilots/{id}/withdraw/",
        "/api/v1/questions/",
        "/api/v1/questions/{id}/",
        "/api/v1/questions/{id}/answer/",
        "/api/v1/questions/{id}/answered-elsewhere/",
        "/api/v1/questions/{id}/decline/",
        "/api/v1/responses/",
        "/api/v1/responses/{id}/",
        "/api/v1/responses/{id}/decline/",
        "/api/v1/responses/{id}/invite-to-pilot/",
        "/api/v1/responses/{id}/shortlist/",
        "/api/v1/responses/{id}/withdraw/",
        "/api/v1/saved-searches/",
        "/api/v1/saved-searches/{id}/",
        "/api/v1/schedules/{id}/",
        "/api/v1/schedules/{id}/publish/",
        "/api/v1/schedules/{id}/run/",
        "/api/v1/schedules/{id}/vote-budget/",
        "/api/v1/session-rooms/",
        "/api/v1/session-rooms/{id}/",
        "/api/v1/session-slots/",
        "/api/v1/session-slots/{id}/",
        "/api/v1/sessions/",
        "/api/v1/sessions/{id}/",
        "/api/v1/sessions/{id}/move/",
        "/api/v1/sessions/{id}/notes/",
        "/api/v1/sessions/{id}/pin/",
        "/api/v1/sessions/{id}/star/",
        "/api/v1/sessions/{id}/unstar/",
        "/api/v1/sessions/{id}/unvote/",
        "/api/v1/sessions/{id}/vote/",
        "/api/v1/sessions/{id}/withdraw/",
        "/api/v1/shortlists/",
        "/api/v1/shortlists/{id}/",
        "/api/v1/shortlists/{id}/events/",
        "/api/v1/shortlists/{id}/export/",
        "/api/v1/shortlists/{id}/items/",
        "/api/v1/shortlists/{id}/items/{item_id}/",
        "/api/v1/shortlists/{id}/outcome/",
        "/api/v1/shortlists/{id}/reorder/",
        "/api/v1/tags/",
        "/api/v1/tags/{slug}/",
        "/api/v1/trends/",
        "/api/v1/waitlist/",
        "/api/v1/waitlist/{id}/",
        "/api/v1/waitlist/{id}/accept/",
        "/api/v1/waitlist/{id}/leave/",
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
