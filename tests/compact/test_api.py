"""The compact's API: versions, promises, reflections and breaches through the same services."""

import datetime as dt

from compact.models import Breach, Reflection

D = dt.date


def test_api_lists_compacts_versions_and_promises(client, compact, kpo_user):
    client.force_login(kpo_user)
    assert client.get("/api/compact/compacts/").json()["results"][0]["title"] == compact.title
    version = client.get("/api/compact/versions/").json()["results"][0]
    assert version["number"] == 1 and len(version["promises"]) == 4
    hospital = client.get("/api/compact/promises/?party=hospital").json()
    assert hospital["count"] == 2


def test_api_renegotiates_a_new_version(client, compact, regulator_user, base_promises):
    client.force_login(regulator_user)
    response = client.post(
        "/api/compact/versions/",
        {
            "compact": compact.pk,
            "shared_vision": "v2",
            "effective_from": "2019-04-01",
            "change_note": "Succession",
            "promises": base_promises,
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["number"] == 2
    bad = client.post(
        "/api/compact/versions/",
        {
            "compact": compact.pk,
            "shared_vision": "v3",
            "effective_from": "2016-01-01",
            "change_note": "Backdated",
            "promises": base_promises,
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and "effective_from" in bad.json()


def test_api_records_a_reflection_for_the_signed_in_member(client, compact, meeting, ceo_user):
    promise = compact.versions.get().promises.get(key="reg-open")
    client.force_login(ceo_user)
    response = client.post(
        "/api/compact/reflections/",
        {
            "meeting": meeting.pk,
            "learned": "Open talk",
            "ratings": [{"promise": promise.pk, "fulfilment": "fulfilled"}],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert Reflection.objects.get().person == ceo_user.person
    again = client.post(
        "/api/compact/reflections/",
        {"meeting": meeting.pk, "ratings": [{"promise": promise.pk, "fulfilment": "partly"}]},
        content_type="application/json",
    )
    assert again.status_code == 400 and "already reflected" in str(again.json())


def test_api_breach_moves_through_its_states_and_refuses_skips(
    client, compact, meeting, regulator_user
):
    promise = compact.versions.get().promises.get(key="hosp-stability")
    client.force_login(regulator_user)
    no_promise = client.post(
        "/api/compact/breaches/",
        {
            "meeting": meeting.pk,
            "promises": [],
            "party": "hospital",
            "what_happened": "x",
            "occurred_on": "2018-07-01",
        },
        content_type="application/json",
    )
    assert no_promise.status_code == 400
    assert no_promise.json()["promises"] == ["Name the promise (or promises) that was breached."]
    created = client.post(
        "/api/compact/breaches/",
        {
            "meeting": meeting.pk,
            "promises": [promise.pk],
            "party": "hospital",
            "what_happened": "CEO left",
            "occurred_on": "2018-07-01",
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    skipped = client.post(
        f"/api/compact/breaches/{pk}/repair/",
        {"repaired_on": "2018-08-01", "resolution": "x"},
        content_type="application/json",
    )
    assert skipped.status_code == 400 and "record the discussion first" in str(skipped.json())
    discussed = client.post(
        f"/api/compact/breaches/{pk}/discuss/",
        {"meeting": meeting.pk, "what_happened": "a", "why": "b", "do_better": "c"},
        content_type="application/json",
    )
    assert discussed.json()["state"] == "discussed"
    repaired = client.post(
        f"/api/compact/breaches/{pk}/repair/",
        {"repaired_on": "2018-08-07", "resolution": "Relational change is a process"},
        content_type="application/json",
    )
    assert repaired.json()["state"] == "repaired"
    assert repaired.json()["days_to_repair"] == 28
    assert [e["to_state"] for e in repaired.json()["events"]] == [
        "called_out",
        "discussed",
        "repaired",
    ]
    assert client.delete(f"/api/compact/breaches/{pk}/").status_code == 405
    assert Breach.objects.count() == 1
