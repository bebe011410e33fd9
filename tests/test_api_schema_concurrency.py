"""/api/schema/ and /api/docs/ need a login (the session or a token) and answer every one of many
concurrent first requests (drf-spectacular's generation is not thread-safe: api/schema.py makes it
once per language, under a lock). An over-large body gets the API's JSON error, 413."""

import json
import threading
import urllib.error
import urllib.request

import pytest

from api import schema_view as api_schema

from .factories import UserFactory
from .test_api import api_as, token_for, url, world  # noqa: F401  (world is a fixture)

CONCURRENT = 40


def _fetch_all(urls_and_headers) -> list:
    results = []
    barrier = threading.Barrier(len(urls_and_headers))

    def fetch(address, headers):
        request = urllib.request.Request(address, headers=headers)  # noqa: S310
        barrier.wait()
        try:
            with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310
                results.append((response.status, response.read()))
        except urllib.error.HTTPError as error:
            results.append((error.code, error.read()))

    threads = [threading.Thread(target=fetch, args=pair) for pair in urls_and_headers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.fixture
def fresh_schema(monkeypatch):
    """No schema made yet in this process: the next requests are the first ones."""
    monkeypatch.setattr(api_schema, "_schemas", {})


@pytest.mark.django_db(transaction=True)
def test_forty_concurrent_first_requests_for_the_schema_all_succeed(live_server, fresh_schema):
    token = token_for(UserFactory())
    headers = {"Authorization": f"Bearer {token}"}
    requests = [
        (f"{live_server.url}/api/schema/?format=json&lang={'sv' if i % 2 else 'en'}", headers)
        for i in range(CONCURRENT)
    ]
    results = _fetch_all(requests)
    assert [status for status, _body in results] == [200] * CONCURRENT
    for _status, body in results:
        assert "/api/v1/projects/{project_id}/enrolments/" in json.loads(body)["paths"]


@pytest.mark.django_db
def test_the_schema_and_the_docs_need_a_login(client):
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 401
    assert "detail" in schema.json()
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and "/login" in docs.headers["Location"]
    client.force_login(UserFactory())
    assert client.get("/api/schema/", {"format": "json"}).status_code == 200
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_a_token_of_any_scope_reads_the_schema(client):
    token = token_for(UserFactory(), scopes=("write",))
    response = client.get(
        "/api/schema/", {"format": "json"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert (
        "413"
        in json.loads(response.content)["paths"]["/api/v1/projects/{project_id}/survey-answers/"][
            "post"
        ]["responses"]
    )


@pytest.mark.django_db
def test_an_over_large_body_is_answered_413_in_json(client, world):  # noqa: F811
    api = api_as(client, world["case_worker"], scopes=("read", "write"))
    body = json.dumps({"enrolment": world["covered"].pk, "padding": "x" * 3 * 1024 * 1024})
    response = api.post(url(world["project"], "survey-answers/"), body)
    assert response.status_code == 413
    assert response.headers["Content-Type"].startswith("application/json")
    assert "MB" in response.json()["detail"]
