"""Issue 17 item 4: the regulator's and the CI partner's "RPIWs" led to an empty workspace of
their own organisation instead of the trusts' RPIWs, and a CI partner's TGB member was told
"No runs yet. Start one." on Impact while the partnership summary showed every trust's result."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_regulators_rpiws_are_the_trusts_rpiws_not_an_empty_workspace(
    client, regulator_user, trust
):
    client.force_login(regulator_user)
    response = client.get("/rpiw/")
    assert response.status_code == 302 and response["Location"] == "/rpiw/rpiws/"
    page = client.get("/rpiw/rpiws/").content.decode()
    assert ">Workspace<" not in page  # no workspace tab for an organisation without one
    assert ">RPIWs<" in page and ">Value streams<" in page


def test_a_trusts_kpo_keeps_the_workspace(client, kpo_user):
    client.force_login(kpo_user)
    page = client.get("/rpiw/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "SASH improvement workspace" in html and ">Workspace<" in html


def test_the_ci_partner_has_no_rpiws_entry_and_its_old_link_goes_to_table_7_1(
    client, ci_partner_member, trust
):
    client.force_login(ci_partner_member)
    home = client.get("/").content.decode()
    assert 'href="/rpiw/"' not in home  # neither in the navigation nor as a card
    response = client.get("/rpiw/")
    assert response.status_code == 302 and response["Location"] == "/rpiw/tables/7-1/"


def test_the_ci_partners_impact_page_points_to_the_summary_instead_of_no_runs_yet(
    client, ci_partner_member, trust
):
    client.force_login(ci_partner_member)
    html = client.get("/impact/").content.decode()
    assert "No runs yet" not in html and "Start one" not in html
    assert 'href="/partnership/#table-8-2"' in html


def test_a_trusts_kpo_with_no_runs_is_offered_one(client, kpo_user):
    client.force_login(kpo_user)
    html = client.get("/impact/").content.decode()
    assert "No runs yet. <a" in html and "Start one" in html
