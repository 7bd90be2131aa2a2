"""The API shell: authentication, permissions, errors, the schema and pagination."""

import pytest
from knox.models import AuthToken
from rest_framework.test import APIClient

from vmi_programme.models import Job, JobStatus, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_anonymous_api_calls_get_401(api):
    response = api.get("/api/organisations/")
    assert response.status_code == 401
    assert "credentials were not provided" in response.json()["detail"]


def test_token_authentication_works(api, kpo_user):
    _, token = AuthToken.objects.create(user=kpo_user)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api.get("/api/organisations/")
    assert response.status_code == 200
    assert [o["short_name"] for o in response.json()["results"]] == ["SASH"]


def test_obtaining_a_token_with_wrong_password_is_a_400(api, kpo_user):
    response = api.post("/api/auth/token/", {"username": "kpo", "password": "nope"})
    assert response.status_code == 400


def test_a_token_obtained_with_username_and_password_works(api, kpo_user):
    response = api.post(
        "/api/auth/token/", {"username": "kpo", "password": "correct-horse-battery"}
    )
    assert response.status_code == 200
    assert response.json()["expiry"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/organisations/").status_code == 200


def test_the_schema_and_docs_are_for_signed_in_users_only(api, client):
    assert api.get("/api/schema/").status_code == 401
    response = client.get("/api/docs/")
    assert response.status_code == 302 and response.url.startswith("/login/?next=/api/docs/")


def test_people_of_another_trust_are_not_listed_or_retrievable(api, kpo_user, other_trust):
    stranger = Person.objects.create(organisation=other_trust, full_name="Stranger")
    api.force_authenticate(kpo_user)
    names = [p["full_name"] for p in api.get("/api/people/").json()["results"]]
    assert "Stranger" not in names
    assert api.get(f"/api/people/{stranger.pk}/").status_code == 404


def test_a_malformed_job_body_is_a_400_naming_the_field(api, kpo_user):
    api.force_authenticate(kpo_user)
    response = api.post("/api/jobs/", {"kind": "no.such.kind"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.json()


def test_submitting_a_job_for_another_trust_is_a_403(api, kpo_user, other_trust):
    api.force_authenticate(kpo_user)
    response = api.post(
        "/api/jobs/", {"kind": "programme.echo", "organisation": other_trust.pk}, format="json"
    )
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_submitting_a_job_for_own_trust_runs_it(api, kpo_user, trust, settings):
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        pytest.skip("embedded default only; the service run checks the worker round trip")
    api.force_authenticate(kpo_user)
    response = api.post(
        "/api/jobs/", {"kind": "programme.echo", "organisation": trust.pk}, format="json"
    )
    assert response.status_code == 201
    assert Job.objects.get().status == JobStatus.SUCCEEDED


def test_the_openapi_schema_describes_the_resources(api, kpo_user):
    api.force_authenticate(kpo_user)
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/organisations/" in paths and "/api/jobs/" in paths


def test_the_interactive_docs_load_their_assets_locally(client, kpo_user):
    client.force_login(kpo_user)
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn.jsdelivr" not in html and "unpkg" not in html


def test_lists_are_paginated(api, regulator_user):
    from factories import OrganisationFactory

    OrganisationFactory.create_batch(60)
    api.force_authenticate(regulator_user)
    body = api.get("/api/organisations/").json()
    assert body["count"] >= 60 and len(body["results"]) == 50 and body["next"]


def test_the_openapi_schema_generates_and_validates_without_warnings(tmp_path):
    """Every endpoint documents its responses; enum names don't collide (check --deploy relies on it)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "spectacular",
            "--validate",
            "--fail-on-warn",
            "--file",
            str(tmp_path / "s.yml"),
        ],
        cwd=root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-3000:]
