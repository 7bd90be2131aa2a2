"""RPIW impact: Tables 7.2 and 7.3 computed from RPIW records, filters, page, API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from factories import OrganisationFactory, user_with_roles
from impact import rpiw_impact
from impact.rpiw_impact import Filters
from rpiw.demo import measures as demo_measures
from rpiw.selectors import MeasurePair
from vmi_programme.models import Role


@pytest.fixture(scope="module")
def demo_programme():
    return demo_measures.generate()


def test_table_7_2_from_the_demo_records_is_exact(demo_programme):
    pairs = rpiw_impact.pairs_from_demo_programme(demo_programme)
    table = rpiw_impact.table_7_2(pairs, Filters())
    for row in [*table["rows"], table["total"]]:
        published = (
            demo_measures.TABLE_7_2.get(row["trust"])
            if row["trust"] != "Total"
            else {
                "lead_time": (82, 4878, 1858),
                "defects": (54, 3185, 1046),
                "defect_ratio": (90, 0.57, 0.21),
            }
        )
        for kind, (n, baseline, post) in published.items():
            cell = row["cells"][kind]
            assert cell["n"] == n
            if n == 0:
                assert cell["baseline"] is None
                continue
            digits = 2 if kind == "defect_ratio" else 0
            assert round(cell["baseline"], digits) == baseline, (row["trust"], kind)
            assert round(cell["post"], digits) == post, (row["trust"], kind)
    total = table["total"]["cells"]
    assert round(total["lead_time"]["reduction"]) == 62  # "3,020 hours removed (62%)"
    assert round(total["defects"]["reduction"]) == 67


def test_table_7_3_matches_the_report_except_where_the_report_is_inconsistent(demo_programme):
    pairs = rpiw_impact.pairs_from_demo_programme(demo_programme)
    table = rpiw_impact.table_7_3(pairs, Filters())
    for kind, published in rpiw_impact.PUBLISHED_TABLE_7_3.items():
        result = table[kind]
        assert result["df"] == published["df"]
        assert round(result["t"], 3) == published["t"]
        assert round(result["r"], 3) == published["r"]
        assert round(result["post_se"], 3 if kind != "lead_time" else 0) == published["post_se"]
    ratio = table["defect_ratio"]
    assert [round(ratio[k], 3) for k in ("baseline_mean", "baseline_se", "post_mean", "post_se")] == [
        0.582, 0.026, 0.213, 0.022,
    ]  # fmt: skip
    defects = table["defects"]
    assert (round(defects["baseline_se"], 3), round(defects["post_se"], 3)) == (17.596, 7.304)
    lead = table["lead_time"]
    assert (round(lead["baseline_mean"]), round(lead["post_mean"])) == (3569, 1360)
    differences = {(d["measure_type"], d["field"]) for d in rpiw_impact.compare_with_report(table)}
    assert differences == {
        ("lead_time", "baseline_se"),  # 615, not 829: infeasible with t = 4.077 and SE 100
        ("defects", "baseline_mean"),  # 58.981 (= 3,185 / 54), not 58.998
        ("defects", "post_mean"),  # 19.370 (= 1,046 / 54), not 19.377
    }
    assert table["defects"]["p_value"] == pytest.approx(0.0013, abs=0.0002)


def test_post_can_be_the_last_follow_up_and_filters_narrow_the_pairs():
    pairs = [
        MeasurePair("SASH", "Flow", "S-1", "lead_time", 100, {30: 80, 90: 60, 120: 50}),
        MeasurePair("SASH", "Flow", "S-2", "lead_time", 200, {30: 150}),
        MeasurePair("SASH", "Theatres", "S-3", "lead_time", 300, {90: 100}),
        MeasurePair("LTHT", "Flow", "L-1", "lead_time", 120, {90: 90}),
    ]
    last = rpiw_impact.complete_pairs(pairs, Filters(post="last"))["lead_time"]
    assert [(p.rpiw, post) for p, _, post in last] == [
        ("S-1", 50), ("S-2", 150), ("S-3", 100), ("L-1", 90),
    ]  # fmt: skip
    ninety = rpiw_impact.complete_pairs(pairs, Filters(trusts=("SASH",), value_stream="Flow"))
    assert [p.rpiw for p, _, _ in ninety["lead_time"]] == ["S-1"]


def test_a_trust_with_one_pair_gets_the_librarys_message_not_a_number():
    pairs = [MeasurePair("SASH", "Flow", "S-1", "defects", 10, {90: 4})]
    result = rpiw_impact.table_7_3(pairs, Filters(measure_types=("defects",)))
    assert result["defects"]["n"] == 1
    assert "at least 2 complete pairs" in result["defects"]["error"]


# --------------------------------------------------------------------------- from the database


def load_demo_rpiws(programme, trusts: dict) -> None:
    """Write rpiw.demo.measures records into the rpiw tables (as the rpiw seed would)."""
    from rpiw import models as r

    streams = {}
    for stream in programme.value_streams:
        streams[(stream["trust"], stream["name"])] = r.ValueStream.objects.create(
            organisation=trusts[stream["trust"]],
            name=stream["name"],
            started_on=dt.date(2016, 1, 4),
        )
    measurements = []
    for item in programme.rpiws:
        rpiw = r.Rpiw.objects.create(
            value_stream=streams[(item["trust"], item["value_stream"])],
            reference=item["reference"],
            title=item["title"],
            workshop_start=item["workshop_start"],
            workshop_end=item["workshop_end"],
            status="closed" if item["status"] == "closed" else "follow_up",
        )
        names: set[str] = set()
        for order, m in enumerate(item["measures"], start=1):
            name = m["name"] if m["name"] not in names else f"{m['name']} ({order})"
            names.add(name)
            kind = m["type"] if m["type"] in rpiw_impact.MEASURE_TYPES else "other"
            measure = r.Measure.objects.create(
                rpiw=rpiw, order=order, kind=kind, name=name,
                unit=m["unit"] if kind == "lead_time" else m.get("unit", ""),
            )  # fmt: skip
            points = {0: m["baseline"], **m["followups"]}
            for point, value in points.items():
                if value is None:
                    continue
                if isinstance(value, dict):
                    measurements.append(
                        r.Measurement(measure=measure, point=point, defects=value["defects"],
                                      output=value["output"])
                    )  # fmt: skip
                else:
                    measurements.append(
                        r.Measurement(measure=measure, point=point, value=Decimal(str(value)))
                    )
    r.Measurement.objects.bulk_create(measurements)


@pytest.fixture
def rpiw_records(db, demo_programme):
    trusts = {
        name: OrganisationFactory(short_name=name, ods_code=code, name=f"{name} NHS Trust")
        for name, code in (("SASH", "RTP"), ("LTHT", "RR8"), ("UHCW", "RKB"), ("SATH", "RXW"),
                           ("BHRUT", "RF4"))
    }  # fmt: skip
    load_demo_rpiws(demo_programme, trusts)
    return trusts


def test_table_7_3_from_the_database_records_matches_the_report(rpiw_records, regulator_user):
    from rpiw.selectors import measure_pairs

    pairs = measure_pairs(user=regulator_user)
    table = rpiw_impact.table_7_3(pairs, Filters())
    assert [table[k]["n"] for k in rpiw_impact.MEASURE_TYPES] == [82, 54, 90]
    assert round(table["lead_time"]["t"], 3) == 4.077
    assert round(table["defects"]["r"], 3) == 0.422
    assert round(table["defect_ratio"]["t"], 3) == 12.768


def test_a_kpo_facilitator_sees_only_their_trusts_rpiw_measures(rpiw_records):
    from rpiw.selectors import measure_pairs

    kpo = user_with_roles(rpiw_records["SASH"], Role.KPO_FACILITATOR, username="kpo.sash")
    assert {p.trust for p in measure_pairs(user=kpo)} == {"SASH"}


def test_the_rpiw_impact_page_shows_the_tables_caution_and_footnotes(
    rpiw_records, regulator_user, client, django_assert_max_num_queries
):
    client.force_login(regulator_user)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("impact:rpiw-impact"))
    page = response.content.decode()
    assert "compared within trusts, not between them" in page
    for figure in ("4,878", "1,858", "3,185", "1,046", ".57", ".21", "4.077", "12.768", ".804"):
        assert figure in page, figure
    assert "3,569 (615)" in page
    assert "computed 614.604, report 829" in page
    assert "58.981" in page and "report 58.998" in page
    assert page.count('class="vmi-chart-figure"') == 6  # bars and paired dots for 3 measures


def test_filters_change_the_tables_and_drop_the_report_footnotes(
    rpiw_records, regulator_user, client
):
    client.force_login(regulator_user)
    response = client.get(reverse("impact:rpiw-impact"), {"trust": "SATH", "post": "last"})
    page = response.content.decode()
    assert "the last follow-up recorded" in page
    assert "Where these figures differ from the report" not in page
    tables = page.split("</details>", 1)[1]  # after the filters, which list every trust
    assert ">SATH<" in tables and ">BHRUT<" not in tables


def test_the_api_summary_and_paired_test(rpiw_records, regulator_user, client):
    client.force_login(regulator_user)
    body = client.get("/api/impact/rpiw-impact/").json()
    assert body["table_7_3"]["lead_time"]["df"] == 81
    assert len(body["differences_from_report"]) == 3
    assert client.get("/api/impact/rpiw-impact/?post=45").status_code == 400
    bad = client.post(
        "/api/impact/paired-ttest/", {"baseline": [1, 2, 3], "post": [1, 2]},
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 400
    assert "same length" in bad.json()["detail"]
    text = client.post(
        "/api/impact/paired-ttest/", {"baseline": [1, "x"], "post": [1, 2]},
        content_type="application/json",
    )  # fmt: skip
    assert text.status_code == 400
    ok = client.post(
        "/api/impact/paired-ttest/", {"baseline": [10, 12, 15, 11], "post": [8, 9, 10, 10]},
        content_type="application/json",
    )  # fmt: skip
    assert ok.status_code == 200 and ok.json()["df"] == 3
