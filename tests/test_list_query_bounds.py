"""The RPIW, value stream, measure, measurement, enrolment, assessment and job lists do bounded work.

Each list is read at two data sizes (one and three generated trusts) and must stay under the
same number of queries at both; the API's count stops at a cap, and its page size has a maximum.
"""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from rpiw.views import RPIW_PAGE_SIZE
from vmi_programme import pagination

LISTS = [
    # Measured: the same at one and three trusts (session, user, count, page and its lookups).
    ("regulator", "/rpiw/rpiws/", 8),
    ("regulator", "/rpiw/rpiws/?status=closed&page=2", 8),
    ("ceo.t001", "/rpiw/rpiws/", 8),
    ("regulator", "/api/rpiw/rpiws/", 9),
    ("regulator", "/api/rpiw/measures/", 7),
    ("regulator", "/api/rpiw/measurements/", 6),
    ("regulator", "/api/training/enrolments/", 9),  # statuses: three queries for the page
    ("ceo.t001", "/api/training/enrolments/", 9),
    ("regulator", "/api/training/assessments/", 6),
    ("regulator", "/api/jobs/", 6),
    ("regulator", "/rpiw/value-streams/", 9),
    ("regulator", "/rpiw/value-streams/?page=2", 9),
    ("ceo.t001", "/rpiw/value-streams/?trust=T001", 9),
]


@pytest.fixture(scope="module", params=[1, 3], ids=["one trust", "three trusts"])
def generated(request, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command(
            "generate_scale",
            "--trusts",
            str(request.param),
            "--password",
            "bounds-test-password-1",
            "--reset",
            stdout=io.StringIO(),
        )
    yield request.param
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.mark.django_db
@pytest.mark.parametrize(("username", "path", "bound"), LISTS)
def test_a_list_page_makes_the_same_bounded_number_of_queries_at_both_sizes(
    generated, client, django_assert_max_num_queries, username, path, bound
):
    client.force_login(get_user_model().objects.get(username=username))
    client.get(path)  # the first request of a session writes it
    with django_assert_max_num_queries(bound):
        response = client.get(path)
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_regulators_rpiw_list_shows_one_page_and_links_the_next(generated, client):
    client.force_login(get_user_model().objects.get(username="regulator"))
    html = client.get("/rpiw/rpiws/").content.decode()
    assert html.count('href="/rpiw/rpiws/') - html.count("/rpiw/rpiws/new/") >= RPIW_PAGE_SIZE
    assert "page=2" in html and "Next" in html


@pytest.mark.django_db
def test_an_enrolment_list_gives_each_row_its_own_status(generated, client):
    client.force_login(get_user_model().objects.get(username="regulator"))
    rows = client.get("/api/training/enrolments/?page_size=200").json()["results"]
    statuses = {row["status"] for row in rows}
    assert len(rows) == 200 and {"completed", "withdrawn"} <= statuses, statuses
    for row in rows[::20]:  # the page's batch gives what the row alone gives
        detail = client.get(f"/api/training/enrolments/{row['id']}/").json()
        assert detail["status"] == row["status"], row


@pytest.mark.django_db
def test_the_api_page_size_has_a_maximum(generated, client):
    client.force_login(get_user_model().objects.get(username="regulator"))
    body = client.get("/api/rpiw/measurements/?page_size=100000").json()
    assert len(body["results"]) == pagination.MAX_PAGE_SIZE


@pytest.mark.django_db
def test_past_the_count_cap_the_count_is_capped_and_the_pages_go_on(generated, client, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 120)
    client.force_login(get_user_model().objects.get(username="regulator"))
    body = client.get("/api/rpiw/measurements/?page_size=100&page=5").json()
    assert body["count"] == 120 and body["count_capped"] is True
    assert len(body["results"]) == 100 and "page=6" in body["next"]


@pytest.mark.django_db
def test_a_page_past_its_count_cap_says_more_than_and_pages_on(generated, client, monkeypatch):
    import rpiw.views

    monkeypatch.setattr(rpiw.views, "PAGE_COUNT_CAP", 30)  # pages count to 1,000
    client.force_login(get_user_model().objects.get(username="regulator"))
    html = client.get("/rpiw/rpiws/?page=3").content.decode()
    assert "RPIWs 51–75 of more than 30." in html and "page=4" in html
    assert '<option value="T001">' in html  # the trust filter's choices
    assert '<option value="T001">' in client.get("/rpiw/value-streams/").content.decode()


@pytest.mark.django_db
def test_under_the_count_cap_the_count_is_exact(generated, client):
    client.force_login(get_user_model().objects.get(username="regulator"))
    body = client.get("/api/jobs/").json()
    assert body["count"] == generated and body["count_capped"] is False
    assert "result" not in body["results"][0]
    detail = client.get(f"/api/jobs/{body['results'][0]['id']}/").json()
    assert len(detail["result"]["nodes"]) == 800


@pytest.mark.django_db
def test_a_full_recompute_plans_one_network_summary_per_trust_and_wave(generated):
    """Not one per nomination: the model's ordering once turned the plan's DISTINCT into 190,000
    jobs at national size."""
    from networks.jobs import recompute_plan
    from networks.models import Nomination

    plan = recompute_plan()
    pairs = {(trust.pk, parameters["wave"]) for parameters, trust in plan}
    assert len(plan) == len(pairs)
    nominated = Nomination.objects.order_by().values_list("organisation_id", "wave_id")
    assert pairs == set(nominated.distinct())
    assert Nomination.objects.count() > 10 * len(plan)
