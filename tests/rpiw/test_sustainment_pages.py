"""Sustainment on the RPIW page, the trust dashboard (panel and insight flag) and the partnership
summary: hand-built follow-ups, plain data out of the builders, bounded queries."""

import csv
import datetime as dt
import io
import pickle
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rpiw import dashboard, selectors, services
from rpiw.models import MeasureKind
from vmi_programme.period import Period

pytestmark = pytest.mark.django_db


def measure(rpiw, name, values, *, kind=MeasureKind.OTHER, direction="lower"):
    """A measure with values {point: value} (0 = baseline)."""
    m = services.add_measure(rpiw, kind=kind, name=name, unit="count", direction=direction)
    for point, value in values.items():
        services.record_measurement(m, point, value=value)
    return m


@pytest.fixture
def measured_rpiw(make_rpiw):
    rpiw = make_rpiw(start=dt.date(2019, 1, 7))  # ends 11 Jan 2019
    measure(rpiw, "Waiting days", {0: 100, 30: 50, 60: 55, 90: 58})  # 84% at 90: sustained
    measure(rpiw, "Letters sent on time", {0: 40, 30: 80, 60: 60}, direction="higher")  # partly
    measure(rpiw, "Missing notes", {0: 20, 30: 10, 60: 19})  # 10% remains: lost
    measure(rpiw, "Phone calls", {0: 30, 30: 30, 60: 20})  # no 30-day improvement
    measure(rpiw, "Rework", {0: 12})  # not yet known
    return rpiw


def _verdicts(html):
    return dict(re.findall(r'data-measure="([^"]+)" data-latest="([a-z_]+)"', html))


def test_the_rpiw_page_gives_each_measure_a_verdict_and_the_rpiw_a_roll_up(
    client, kpo_user, measured_rpiw
):
    client.force_login(kpo_user)
    html = client.get(f"/rpiw/rpiws/{measured_rpiw.pk}/").content.decode()
    assert _verdicts(html) == {
        "Waiting days": "sustained",
        "Letters sent on time": "partly",
        "Missing notes": "lost",
        "Phone calls": "no_gain",
        "Rework": "unknown",
    }
    assert "33% sustained</strong>: 1 of the 3 measures with a verdict" in html
    assert "1 not yet known; 1 with no 30-day improvement to sustain" in html
    assert "84% of the 30-day improvement remains" in html
    assert "No 30-day value" in html  # why Rework is not yet known
    assert "at least 80%" in html and "20% or less" in html  # the rule, with the settings


def test_the_thresholds_come_from_the_settings(client, kpo_user, measured_rpiw, settings):
    settings.SUSTAINMENT = {"sustained": 0.9, "lost": 0.2}
    client.force_login(kpo_user)
    html = client.get(f"/rpiw/rpiws/{measured_rpiw.pk}/").content.decode()
    assert _verdicts(html)["Waiting days"] == "partly"
    assert "at least 90%" in html


def test_a_bad_setting_fails_loudly_naming_it(settings):
    settings.SUSTAINMENT = {"sustained": 0.1, "lost": 0.5}
    with pytest.raises(ImproperlyConfigured, match="settings.SUSTAINMENT"):
        selectors.sustainment_thresholds()


def test_the_trust_dashboard_panel_rolls_up_by_trust_value_stream_and_checkpoint(
    client, regulator_user, measured_rpiw
):
    client.force_login(regulator_user)
    html = client.get("/dashboard/SASH/?from=2019-01&to=2019-12").content.decode()
    panel = html[html.index('data-panel="sustainment"') :]
    panel = panel[: panel.index("</section>")]
    assert re.search(r'data-figure="percent-sustained">33%<', panel)
    assert "1 of 3 measures with a verdict" in panel
    sixty = re.search(r'data-row="60">(.*?)</tr>', panel).group(1)
    assert re.findall(r">(\d+)</td>", sixty) == ["1", "1", "1", "1"]  # S, P, L, unknown
    assert "Outpatients" in panel  # the value stream's row
    assert f'href="/rpiw/rpiws/{measured_rpiw.pk}/#sustainment">{measured_rpiw.reference}' in panel


def test_the_panel_counts_only_checkpoints_falling_due_in_the_period(measured_rpiw, trust):
    before = dashboard.sustainment_panel(
        trust, Period(dt.date(2018, 1, 1), dt.date(2018, 12, 31)), None
    )
    assert before["trust"]["measures"] == 0 and before["trust"]["percent_sustained"] is None
    march = dashboard.sustainment_panel(
        trust, Period(dt.date(2019, 3, 1), dt.date(2019, 3, 31)), None
    )
    # only the 60-day checkpoint (12 March) is due: Waiting days is sustained there (90%)
    assert march["checkpoints"][0] == march["checkpoints"][0] | {"day": 60, "sustained": 1}
    assert march["checkpoints"][1]["measures"] == 0


def test_the_builders_return_plain_picklable_data(measured_rpiw, trust):
    panel = dashboard.sustainment_panel(
        trust, Period(dt.date(2019, 1, 1), dt.date(2019, 12, 31)), None
    )
    table = dashboard.sustainment_by_trust(None)

    def plain(value):
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list | tuple):
            return all(plain(v) for v in value)
        return value is None or type(value) in (str, int, float, bool, dt.date)

    assert plain(panel)
    assert plain(table.rows)
    assert pickle.loads(pickle.dumps(panel)) == panel


def test_the_partnership_summary_has_a_sustainment_row_per_trust(
    client, regulator_user, measured_rpiw, other_trust
):
    client.force_login(regulator_user)
    html = client.get("/partnership/").content.decode()
    assert 'id="table-sustainment"' in html
    response = client.get("/partnership/?table=sustainment&format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    by_trust = {row["NHS trust"]: row for row in rows}
    assert set(by_trust) == {"LTHT", "SASH", "Total"}
    sash = by_trust["SASH"]
    assert (sash["Measures"], sash["Sustained"], sash["Partly sustained"], sash["Lost"]) == (
        "5",
        "1",
        "1",
        "1",
    )
    assert (sash["Not yet known"], sash["No 30-day improvement"]) == ("1", "1")
    # The download shows each share as the page does (33%) and its full precision beside it.
    assert float(sash["Share sustained (full precision)"]) == pytest.approx(33.3)
    assert float(sash["Sustained at 60 days (full precision)"]) == pytest.approx(33.3)  # 1 of 3
    assert float(sash["Sustained at 90 days (full precision)"]) == 100  # only Waiting days
    ltht = by_trust["LTHT"]
    assert ltht["Measures"] == "0" and ltht["Share sustained"] == "–"
    assert ltht["Share sustained (full precision)"] == ""


def test_the_summary_as_of_a_date_reads_only_measurements_dated_by_then(make_rpiw, trust):
    rpiw = make_rpiw(start=dt.date(2019, 1, 7))
    m = services.add_measure(rpiw, kind=MeasureKind.OTHER, name="Waits", unit="count")
    for point, value, day in ((0, 10, "2019-01-01"), (30, 5, "2019-02-10"), (60, 9, "2019-03-12")):
        services.record_measurement(m, point, value=value, measured_on=dt.date.fromisoformat(day))
    rows = {r["trust"]: r for r in dashboard.sustainment_by_trust(dt.date(2019, 3, 1)).rows}
    assert rows["SASH"]["unknown"] == 1  # the 60-day value came after
    rows = {r["trust"]: r for r in dashboard.sustainment_by_trust(dt.date(2019, 3, 31)).rows}
    assert rows["SASH"]["lost"] == 1


# --- The insight flag: sustainment falling while RPIW pace rises ----------------------------


def _year_of_rpiws(make_rpiw, starts, at_60):
    for start in starts:
        rpiw = make_rpiw(start=start, title=f"Clinic letters {start}")
        for n in range(3):
            measure(rpiw, f"Measure {n}", {0: 100, 30: 50, 60: at_60})


def test_a_trust_whose_sustainment_falls_while_pace_rises_is_flagged(
    client, regulator_user, make_rpiw
):
    # 2019: one workshop, its three measures sustained; 2020: three workshops, measures lost
    _year_of_rpiws(make_rpiw, [dt.date(2019, 2, 4)], at_60=52)
    _year_of_rpiws(make_rpiw, [dt.date(2020, 3, 2), dt.date(2020, 5, 4), dt.date(2020, 9, 7)], 95)
    client.force_login(regulator_user)
    html = client.get("/dashboard/SASH/?from=2020-01&to=2020-12").content.decode()
    assert 'data-insight="sustainment_falls"' in html
    assert (
        "0% of RPIW measures judged at checkpoints due in the 365 days to 31 December 2020" in html
    )
    assert "down from 100% (3 of 3)" in html and "rose from 1 to 3" in html


def test_no_flag_when_the_pace_did_not_rise_or_too_few_measures_were_judged(
    client, regulator_user, make_rpiw
):
    _year_of_rpiws(make_rpiw, [dt.date(2019, 2, 4), dt.date(2019, 6, 3)], at_60=52)
    _year_of_rpiws(make_rpiw, [dt.date(2020, 3, 2)], at_60=95)
    client.force_login(regulator_user)
    html = client.get("/dashboard/SASH/?from=2020-01&to=2020-12").content.decode()
    assert 'data-panel="sustainment"' in html
    assert 'data-insight="sustainment_falls"' not in html  # 2 workshops, then 1


# --- Bounded queries ------------------------------------------------------------------------


def _queries(build):
    with CaptureQueriesContext(connection) as captured:
        build()
    return len(captured)


def test_the_panel_and_the_summary_table_make_the_same_number_of_queries_at_two_sizes(
    make_rpiw, trust, other_trust
):
    period = Period(dt.date(2019, 1, 1), dt.date(2021, 12, 31))
    _year_of_rpiws(make_rpiw, [dt.date(2019, 2, 4)], at_60=52)
    small = (
        _queries(lambda: dashboard.sustainment_panel(trust, period, None)),
        _queries(lambda: dashboard.sustainment_by_trust(None)),
    )
    starts = [dt.date(2019, 3, 4) + dt.timedelta(weeks=3 * n) for n in range(12)]
    _year_of_rpiws(make_rpiw, starts, at_60=Decimal("70.5"))
    large = (
        _queries(lambda: dashboard.sustainment_panel(trust, period, None)),
        _queries(lambda: dashboard.sustainment_by_trust(None)),
    )
    assert small == large
    assert large[0] <= 3 and large[1] <= 2  # the pairs, and two paces / the trusts


def test_manage_py_check_reports_a_bad_setting(settings):
    settings.SUSTAINMENT = {"sustained": 0.8, "lost": 0.2}
    assert dashboard.check_sustainment_setting() == []
    settings.SUSTAINMENT = {"sustained": "most"}
    (error,) = dashboard.check_sustainment_setting()
    assert error.id == "rpiw.E001" and "settings.SUSTAINMENT" in error.msg
