"""Who may open which dashboard, and pages that work (with bounded queries) on almost no data."""

import pytest

from vmi_programme.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def ceo(trust, make_user):
    return make_user(trust, Role.EXECUTIVE, username="ceo")


def test_anonymous_users_are_sent_to_log_in(client, trust):
    for url in ("/dashboard/SASH/", "/partnership/", "/tgt-report/SASH/2021-03/"):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith("/login/"), url


def test_a_ceo_cannot_open_another_trusts_dashboard_or_report(client, ceo, other_trust):
    client.force_login(ceo)
    assert client.get("/dashboard/SASH/").status_code == 200
    assert client.get("/dashboard/LTHT/").status_code == 403
    assert client.get("/tgt-report/LTHT/2021-03/").status_code == 403
    assert client.get("/tgt-report/LTHT/2021-03.pdf").status_code == 403


def test_the_regulator_opens_every_trust_and_the_partnership_summary(
    client, regulator_user, trust, other_trust
):
    client.force_login(regulator_user)
    assert client.get("/dashboard/SASH/").status_code == 200
    assert client.get("/dashboard/LTHT/").status_code == 200
    assert client.get("/partnership/").status_code == 200
    assert client.get("/dashboard/").status_code == 200  # a choice of trusts


def test_a_kpo_may_not_download_a_partnership_table_without_partnership_access(
    client, trust, make_user
):
    from factories import OrganisationFactory
    from vmi_programme.models import OrganisationKind

    peer = OrganisationFactory(short_name="PEER", kind=OrganisationKind.PEER_TRUST, ods_code="RZZ")
    outsider = make_user(peer, username="nobody")  # no roles
    client.force_login(outsider)
    assert client.get("/partnership/?table=5-1&format=csv").status_code == 403
    assert client.get("/dashboard/SASH/").status_code == 403


def test_an_empty_trust_dashboard_uses_no_more_queries_than_a_full_one(
    client, regulator_user, trust, django_assert_max_num_queries
):
    # the same bound as on the seeded demo (tests/dashboards/test_dashboards_on_demo_data.py)
    client.force_login(regulator_user)
    with django_assert_max_num_queries(75):
        assert client.get("/dashboard/SASH/?period=programme").status_code == 200
    # Built in this request (the embedded default): each of the summary's tables is its own
    # snapshot, made and written (two queries a table) besides the builders' own queries; the
    # sustainment table is eight (built in parts: ~5 queries each).
    with django_assert_max_num_queries(130):
        assert client.get("/partnership/").status_code == 200


def test_a_bad_period_falls_back_to_the_default(client, regulator_user, trust):
    client.force_login(regulator_user)
    html = client.get("/dashboard/SASH/?from=2021-05&to=2020-01").content.decode()
    assert "Trust dashboard · " in html
    assert client.get("/tgt-report/SASH/not-a-month/").status_code == 404
