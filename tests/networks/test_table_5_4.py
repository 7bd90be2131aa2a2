"""Table 5.4 computed from the seeded demo records matches the published report exactly."""

from __future__ import annotations

from django.urls import reverse

from networks import demo as networks_demo
from networks.demo.networks import PUBLISHED_TABLE_5_4
from networks.selectors import table_5_4
from training.surveys import SurveyWave
from vmi_programme import demo
from vmi_programme.models import Job

KEYS = {
    "invitations": "invitations",
    "respondents": "respondents",
    "collaborators": "collaborators",
    "actors": "actors",
    "ties": "ties",
    "simple_brokering": "021C",
    "reciprocated_incoming_brokering": "111D",
    "reciprocated_outgoing_brokering": "111U",
    "mutually_reciprocated_brokering": "201",
    "reciprocated_brokering_total": "reciprocated_total",
}


def login(client, username):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=username))


def test_table_5_4_from_the_seeded_demo_matches_the_published_figures(
    db, client, django_assert_max_num_queries
):
    """One seeding (it takes a while) checks the stored runs, the page, its CSV and the map."""
    ctx = demo.seed()
    networks_demo.seed(ctx)
    runs = Job.objects.filter(kind="networks.summarise")
    assert runs.count() == 7  # five trusts in December 2018, SASH and SATH in December 2020
    assert set(runs.values_list("status", flat=True)) == {"succeeded"}

    login(client, "regulator")
    url = reverse("networks:table-5-4")
    client.get(url)
    with django_assert_max_num_queries(10):
        page = client.get(url)
    table = page.context["table"]
    # one row per trust, in the order of every summary table (by short name), measures across
    assert [row["trust"] for row in table.rows] == ["BHRUT", "LTHT", "SASH", "SATH", "UHCW"]
    assert [key for key, _ in table.columns] == ["trust", *KEYS]
    for row in table.rows:
        published = PUBLISHED_TABLE_5_4[row["trust"]]
        assert {key: row[key] for key in KEYS} == {
            key: published[name] for key, name in KEYS.items()
        }, row["trust"]
    assert '<tr class="nhsuk-table__row" data-row="SASH"><th scope="row"' in page.text
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">389</td>' in page.text

    download = client.get(url, {"format": "csv"})
    text = download.content.decode("utf-8-sig")
    assert download["Content-Type"].startswith("text/csv")
    assert text.startswith("NHS trust,Invitations,Respondents (L4L participants),")
    assert "\r\nSASH,198,94,153,247,389,258,116,102,11,229\r\n" in text
    assert "\r\nSATH,114,67,120,187,279,355,40,83,1,124\r\n" in text
    assert [line.split(",")[0] for line in text.splitlines()[1:]] == [
        "BHRUT", "LTHT", "SASH", "SATH", "UHCW"
    ]  # fmt: skip

    later = table_5_4(SurveyWave.objects.get(name="December 2020"))
    assert [row["trust"] for row in later["rows"]] == ["SASH", "SATH"]
    ties = [row["ties"] for row in later["rows"]]
    assert ties[0] > 389 and ties[1] > 279

    login(client, "sensei.vmi")  # a TGB member of the CI partner: partnership level, no trust
    assert client.get(url).status_code == 200
    wave = SurveyWave.objects.get(name="December 2018")
    map_url = reverse("networks:wave", args=[ctx.trusts["SASH"].pk, wave.pk])
    assert client.get(map_url).status_code == 403

    login(client, "analyst.sash")
    client.get(map_url)
    with django_assert_max_num_queries(14):
        page = client.get(map_url)
    assert "94 respondents (circles) and 153 collaborators (squares), 389 ties shown" in page.text
    change = client.get(reverse("networks:change", args=[ctx.trusts["SASH"].pk]))
    assert "December 2020" in change.text and "Joined the core" in change.text


def test_people_without_a_partnership_role_cannot_see_the_comparison(client, trust, make_user):
    client.force_login(make_user(trust))  # a person with no role
    assert client.get(reverse("networks:table-5-4")).status_code == 403
