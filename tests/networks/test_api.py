"""The networks API: nominations only for identity holders, anonymous results, merges."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from rest_framework.test import APIClient

from factories import PersonFactory
from networks.services import NamedPerson, save_name_generator_answer
from vmi_programme.jobs import submit
from vmi_programme.models import Job, Person


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def network(trust, invite, colleagues):
    rita = invite(PersonFactory(organisation=trust, full_name="Rita Respondent"))
    save_name_generator_answer(
        rita,
        [
            NamedPerson(name="Ann Archer", interactions=["advice"]),
            NamedPerson(name="Jon Smyth", interactions=["influence"]),
        ],
    )
    return rita


def test_nominations_are_listed_only_for_the_trusts_kpo_and_analysts(
    api, network, kpo_user, executive, regulator_user
):
    api.force_authenticate(kpo_user)
    rows = api.get("/api/networks/nominations/").json()["results"]
    assert len(rows) == 2 and rows[0]["respondent"] == network.person_id
    for user in (executive, regulator_user):
        api.force_authenticate(user)
        assert api.get("/api/networks/nominations/").json()["results"] == []


def test_results_are_anonymous_for_everyone_who_may_view_the_trust(
    api, network, trust, wave, regulator_user, other_kpo
):
    api.force_authenticate(regulator_user)
    rows = api.get("/api/networks/results/", {"wave": wave.pk}).json()
    assert rows[0]["trust"] == trust.short_name
    assert rows[0]["result"]["summary"]["ties"] == 2
    assert "Rita Respondent" not in json.dumps(rows)
    api.force_authenticate(other_kpo)
    assert api.get("/api/networks/results/", {"wave": wave.pk}).json() == []


def test_merging_through_the_api(api, network, trust, wave, analyst, executive):
    keep = PersonFactory(organisation=trust, full_name="John Smith")
    duplicate = Person.objects.get(full_name="Jon Smyth")
    api.force_authenticate(executive)
    payload = {"keep": keep.pk, "duplicate": duplicate.pk}
    assert api.post("/api/networks/merges/", payload).status_code == 403
    api.force_authenticate(analyst)
    response = api.post("/api/networks/merges/", payload)
    assert response.status_code == 201, response.json()
    assert response.json()["duplicate_deleted"] is True
    assert not Person.objects.filter(pk=duplicate.pk).exists()


def test_network_waves_are_listed(api, network, wave, kpo_user):
    api.force_authenticate(kpo_user)
    assert [w["name"] for w in api.get("/api/networks/waves/").json()["results"]] == [wave.name]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_the_summarise_job_runs_on_a_real_worker(celery_worker, network, trust, wave):
    assert connection.vendor == "postgresql"
    job = submit("networks.summarise", {"wave": wave.pk}, organisation=trust)
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.2)
    assert job.status == "succeeded", job.error
    assert job.result["summary"]["respondents"] == 1
    assert job.result["summary"]["collaborators"] == 2
    assert len(job.result["actors"]) == 3
    assert Job.objects.filter(kind="networks.summarise", stale=False).exists()
