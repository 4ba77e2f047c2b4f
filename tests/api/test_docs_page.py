"""The API documentation: Swagger UI from static files (no CDN) under the CSP, no inline script or style; the
schema for a signed-in user or a token, not for anyone else."""

import re

import pytest
from django.contrib.staticfiles import finders

from tests.api.conftest import ApiClient
from tests.factories.api import make_token

pytestmark = pytest.mark.django_db


def test_the_docs_page_loads_its_assets_from_this_server_under_the_csp(coordinator_client):
    response = coordinator_client.get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp
    assert "<style" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)  # nothing inline
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources and all(s.startswith("/") for s in sources)  # no CDN
    for source in sources:
        if source.startswith("/static/"):
            assert finders.find(source.removeprefix("/static/")), source
    init = [s for s in sources if "script" in s and not s.startswith("/static/")]
    assert init, sources
    script = coordinator_client.get(init[0].replace("&amp;", "&"))
    assert script.status_code == 200 and "javascript" in script["Content-Type"]
    assert "/api/v1/schema/" in script.content.decode()


def test_a_signed_out_visitor_is_sent_to_the_login_page(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_schema_is_served_to_a_token_and_not_to_anyone(client, coordinator):
    assert client.get("/api/v1/schema/").status_code in (401, 403)
    _token, key = make_token(coordinator)
    response = ApiClient(key).get("/api/v1/schema/")
    assert response.status_code == 200 and b"/api/v1/bone_marrow_assessments/" in response.content


def test_an_unknown_api_address_is_a_json_404(api_as, coordinator):
    response = api_as(coordinator).get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and "No such API address" in response.json()["detail"]


def test_the_api_root_links_every_resource(api_as, coordinator):
    links = api_as(coordinator).get("/api/v1/").json()
    assert links["bone_marrow_assessments"].endswith("/api/v1/bone_marrow_assessments/")
    assert {"participants", "audit", "queries", "results", "participant-results", "schema", "docs"} <= set(links)


def test_an_address_with_a_newline_is_a_json_404_too(api_as, coordinator):
    response = api_as(coordinator).get("/api/v1/blood_counts/3%0Ax/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
