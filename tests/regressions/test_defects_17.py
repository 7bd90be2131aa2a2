"""What a careful user tripped over (issue 17 items 7-8), each with the check that would have
caught it."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string

from rpiw import services as rpiw_services
from rpiw.models import MetricCategory

pytestmark = pytest.mark.django_db
D = dt.date


def _lead_time_metric(trust, values):
    stream = rpiw_services.save_value_stream(
        organisation=trust, name="Cardiology", started_on=D(2015, 1, 5)
    )
    metric = rpiw_services.add_metric(
        stream,
        category=MetricCategory.DELIVERY,
        name="Median pathway lead time",
        definition="Median hours from referral to discharge",
        unit="hours",
        direction="lower",
        target=Decimal("24"),
        effective_from=D(2015, 1, 5),
    )
    for month, value in enumerate(values):
        day = D(2015 + month // 12, month % 12 + 1, 28)
        rpiw_services.record_metric_value(metric, day, Decimal(value))
    return stream


# --- Item 7: the value-stream cards -------------------------------------------------------


def test_a_metric_card_on_target_after_a_shift_does_not_say_consistently_failing(trust):
    from impact.dashboard import value_streams_panel
    from vmi_programme.period import Period

    # Two years at 40 hours, then a step down to 23.6: the latest point is on target and a
    # special cause; the whole-series limits lie above the target.
    _lead_time_metric(trust, ["40.0", "41.0", "39.0", "40.5"] * 6 + ["23.6000"] * 3)
    panel = value_streams_panel(trust, Period(D(2015, 1, 1), D(2017, 3, 31)))
    card = panel["streams"][0]["metrics"][0]
    assert card["on_target"] is True
    assert card["variation"]["key"] == "improvement_low"
    assert card["assurance"] is None  # was "Consistently failing the target"
    html = render_to_string("impact/_trust_value_streams_panel.html", {"p": panel})
    assert "Consistently failing" not in html
    # The stream's line of metrics on target is a sentence of its own, not "– 1 of 1 …".
    assert "1 of 1 metric on target" in html
    assert "– 1 of 1" not in html
    # The chart's description writes numbers as a person would (23.6, not 23.6000).
    assert "latest 23.6 hours against a target of 24." in html


def test_a_stable_metric_keeps_its_assurance_icon(trust):
    from impact.dashboard import value_streams_panel
    from vmi_programme.period import Period

    _lead_time_metric(trust, ["40.0", "41.0", "39.0", "40.5"] * 6)
    panel = value_streams_panel(trust, Period(D(2015, 1, 1), D(2016, 12, 31)))
    card = panel["streams"][0]["metrics"][0]
    assert card["variation"]["key"] == "common_cause"
    assert card["assurance"]["key"] == "fail" and card["on_target"] is False


# --- Item 7: the period -------------------------------------------------------------------


def test_the_default_period_ends_at_the_latest_month_with_data_not_today(trust):
    from dashboards.period import period_from, preset_period

    _lead_time_metric(trust, ["40"] * 55)  # January 2015 to July 2019
    today = D(2026, 11, 30)
    period = period_from({}, default="12m", today=today)
    assert (period.start, period.end) == (D(2018, 8, 1), D(2019, 7, 31))
    assert preset_period("programme", today).end == D(2019, 7, 31)
    # A month asked for explicitly is shown as asked.
    assert period_from({"from": "2020-01", "to": "2020-06"}, today=today).end == D(2020, 6, 30)


def test_with_no_records_the_default_period_ends_today(db):
    from dashboards.period import period_from

    assert period_from({}, today=D(2026, 11, 30)).end == D(2026, 11, 30)


def test_a_reversed_period_is_replaced_and_the_page_says_so(client, kpo_user, trust):
    from dashboards.period import period_from

    period = period_from({"from": "2019-06", "to": "2018-01"}, default="programme")
    assert period.preset == "programme"
    assert "starts (June 2019) after it ends (January 2018)" in period.notice
    assert "not two months" in period_from({"from": "June", "to": "2018-01"}).notice
    assert period_from({}).notice == ""
    client.force_login(kpo_user)
    response = client.get(f"/dashboard/{trust.short_name}/?from=2019-06&to=2018-01")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="period-notice"' in page and "after it ends (January 2018)" in page


# --- Item 7: insight text -----------------------------------------------------------------


def test_an_insight_naming_many_value_streams_says_how_many_more_instead_of_an_ellipsis(trust):
    from dashboards.insights import no_golden_thread

    streams = [SimpleNamespace(name=f"Stream {n}") for n in range(7)]
    panels = {
        "golden_thread": {"unaligned_streams": streams, "detail_url": "/rpiw/golden-thread/"},
        "value_streams": {"streams": streams},
    }
    insight = no_golden_thread(trust, None, panels)
    assert "Stream 4 and 2 more)" in insight.sentence
    assert "…" not in insight.sentence


# --- Item 7: recording a metric value -----------------------------------------------------


def test_recording_a_value_for_a_month_that_has_one_is_refused_unless_replacing(
    client, kpo_user, trust
):
    from rpiw.models import MetricValue

    stream = _lead_time_metric(trust, ["40.5"])  # January 2015
    metric = stream.metrics.get()
    client.force_login(kpo_user)
    url = f"/rpiw/metrics/{metric.pk}/values/"
    response = client.post(url, {"value-period_end": "2015-01-28", "value-value": "12"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "28 January 2015 already has a value, 40.5 hours" in page
    assert MetricValue.objects.get(metric=metric).value == Decimal("40.5")
    response = client.post(
        url, {"value-period_end": "2015-01-28", "value-value": "12", "value-replace": "on"}
    )
    assert response.status_code == 302
    assert MetricValue.objects.get(metric=metric).value == Decimal("12")


# --- Item 7: imports ----------------------------------------------------------------------


def _checked_enrolments(user, trust, csv_text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from vmi_programme.imports.pipeline import store_upload, validate_batch
    from vmi_programme.imports.spec import get_spec

    spec = get_spec("training.enrolments")
    upload = SimpleUploadedFile("enrolments.csv", csv_text.encode())
    batch = store_upload(spec, upload, user, organisation=trust)
    validate_batch(batch, user)
    batch.refresh_from_db()
    return batch


def test_an_import_error_names_the_files_column_heading_not_the_specs_key(kpo_user, trust):
    batch = _checked_enrolments(
        kpo_user,
        trust,
        "Programme,Cohort,Cohort start date,Participant,Email,Enrolled on\n"
        "L4L,L4L cohort 12,next spring,Ann Lee,ann.lee@example.nhs.uk,2021-03-29\n",
    )
    columns = {error["column"] for error in batch.preview["errors"]}
    assert "Cohort start date" in columns
    assert "cohort_start" not in columns
    sample_columns = {e["column"] for e in batch.preview["sample"][0]["errors"]}
    assert "Cohort start date" in sample_columns


def test_an_import_summary_says_1_new_cohort_not_1_new_cohorts():
    from vmi_programme.models import ImportBatch
    from vmi_programme.models.imports import counted

    batch = ImportBatch(summary={"new people": 1, "new cohorts": 1, "enrolments": 12})
    assert batch.summary_text == "1 new person, 1 new cohort, 12 enrolments"
    assert counted(1, "RPIWs created") == "1 RPIW created"
    assert counted(1, "breaches") == "1 breach"
    assert counted(0, "new cohorts") == "0 new cohorts"


# --- Item 8: downloads --------------------------------------------------------------------


def _table():
    from vmi_programme.summary_tables import P_VALUE, PERCENT, SummaryTable

    return SummaryTable(
        key="7-3",
        title="Table 7.3: RPIW impact",
        caption="",
        columns=[("trust", "Trust"), ("share", "Share"), ("p", "p")],
        rows=[{"trust": "SASH", "share": 68.6411149825784, "p": 7.97848505130976e-22}],
        formats={"share": PERCENT, "p": P_VALUE},
    )


def test_an_xlsx_download_holds_values_as_shown_a_title_an_as_of_row_and_full_precision():
    import io

    from openpyxl import load_workbook

    from vmi_programme.exports import export_response

    table = _table()
    response = export_response(
        table.rows,
        "partnership-7-3",
        fmt="xlsx",
        columns=table.columns,
        title=table.title,
        as_of=D(2019, 7, 31),
        shown=table.cells,
    )
    workbook = load_workbook(io.BytesIO(response.content))
    shown, full = workbook.worksheets
    assert shown.title == "Table 7.3 RPIW impact"  # not "Tablib Dataset"
    rows = [[c.value for c in row] for row in shown.iter_rows()]
    assert rows[0][0] == "Table 7.3: RPIW impact"
    assert rows[1][0] == "Figures as of 31 July 2019"
    assert rows[3] == ["Trust", "Share", "p"]
    assert rows[4] == ["SASH", "69%", "< .001"]
    assert full.title == "Full precision"
    full_rows = [[c.value for c in row] for row in full.iter_rows()]
    assert full_rows[4] == ["SASH", 68.6411149825784, 7.97848505130976e-22]


def test_a_csv_download_shows_each_figure_as_printed_with_its_full_precision_beside_it():
    import csv
    import io

    from vmi_programme.exports import export_response

    table = _table()
    response = export_response(
        table.rows, "t", fmt="csv", columns=table.columns, title=table.title, shown=table.cells
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Trust", "Share", "Share (full precision)", "p", "p (full precision)"]
    assert rows[1][:4] == ["SASH", "69%", "68.6411149825784", "< .001"]


def test_the_partnership_summary_download_is_dated_and_titled_not_called_as_published(
    client, regulator_user, trust
):
    import io
    import re

    from openpyxl import load_workbook

    client.force_login(regulator_user)
    page = client.get("/partnership/").content.decode()
    link = re.search(r'href="\?table=([\w.-]+)&amp;format=xlsx"', page)
    assert link, "the partnership summary offers no XLSX download"
    response = client.get(f"/partnership/?table={link.group(1)}&format=xlsx")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert "as-published" not in disposition
    assert dt.date.today().isoformat() in disposition
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert str(sheet["A2"].value).startswith("Figures as of ")


# --- Item 8: the TGT report's PDF ---------------------------------------------------------


def test_the_tgt_report_pdf_has_its_charts_and_no_heading_alone_at_a_pages_foot(
    client, kpo_user, trust
):
    import io

    from pypdf import PdfReader

    for number in range(8):  # enough charts to run over several pages
        stream = _lead_time_metric(trust, [str(40 - month / 2) for month in range(30)])
        stream.name = f"Stream {number}"
        stream.save(update_fields=["name"])
    client.force_login(kpo_user)
    response = client.get(f"/tgt-report/{trust.short_name}/2017-06.pdf")
    assert response.status_code == 200
    pages = [
        [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        for page in PdfReader(io.BytesIO(response.content)).pages
    ]
    text = "\n".join("\n".join(page) for page in pages)
    # A chart per metric: its heading, its axis labels and its description.
    assert text.count("24 monthly values to June 2017, latest 25.5 hours, target 24") == 8
    assert "Stream 7: Median pathway lead time" in text and "Jul 2015" in text
    assert len(pages) > 2
    headings = {f"Stream {n}: Median pathway lead time" for n in range(8)} | {
        line for page in pages for line in page if line[:2] in {f"{n}." for n in range(1, 8)}
    }
    for number, page in enumerate(pages[:-1], start=1):
        assert page[-1] not in headings, f"page {number} ends with the heading {page[-1]!r}"


# --- Item 7: dates keep their year --------------------------------------------------------


def test_no_template_prints_a_day_and_month_without_its_year():
    """'done 30 Nov' of which year? A day-and-month format is allowed only as the start of a
    range whose end, right after the dash, carries the year ('2–6 Mar 2019')."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    date_filter = re.compile(r'\|date:"([^"]*)"\s*}}(.{0,6})')
    faults = []
    templates = [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]
    for template in templates:
        if ".venv" in template.parts:
            continue
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            for match in date_filter.finditer(line):
                fmt, after = match.groups()
                has_day_and_month = re.search(r"[jd]", fmt) and re.search(r"[MFbNn]", fmt)
                starts_a_range = after.lstrip().startswith(("–{{", "- {{", "– {{"))
                if has_day_and_month and not re.search(r"[Yy]", fmt) and not starts_a_range:
                    faults.append(f"{template.relative_to(root)}:{number}: {fmt!r}")
    assert not faults, "\n".join(faults)


# --- Item 7: deciding a metric change -----------------------------------------------------


def test_a_metric_change_cannot_make_a_version_dated_before_the_one_it_replaces(trust):
    from django.core.exceptions import ValidationError

    from factories import PersonFactory, user_with_roles
    from governance.models import MeetingKind
    from governance.services import meetings
    from vmi_programme.models import Role

    stream = _lead_time_metric(trust, [])  # version 1 from 5 January 2015
    metric = stream.metrics.get()
    executive = user_with_roles(trust, Role.EXECUTIVE, username="exec")
    tgt = meetings.create_series(MeetingKind.TGT, "SASH TGT", organisation=trust)
    before = meetings.create_meeting(tgt, D(2014, 11, 4))
    held = [meetings.create_meeting(tgt, D(2015, month, 3)) for month in range(1, 13)]
    held += [meetings.create_meeting(tgt, D(2016, 1, 5))]
    future = meetings.create_meeting(tgt, dt.date.today() + dt.timedelta(days=30))
    proposer = PersonFactory(organisation=trust)
    change = rpiw_services.propose_metric_change(
        metric, proposed_by=proposer, rationale="Too broad", new_target=Decimal("20")
    )
    offered = list(rpiw_services.decision_meetings(change))
    # The latest twelve held since version 1 took effect, newest first; never the future one.
    assert offered == sorted(held, key=lambda m: m.date, reverse=True)[:12]
    assert before not in offered and future not in offered
    with pytest.raises(ValidationError, match="on or after 5 January 2015"):
        rpiw_services.decide_metric_change(change, user=executive, approve=True, meeting=before)
    with pytest.raises(ValidationError, match="taken place"):
        rpiw_services.decide_metric_change(change, user=executive, approve=True, meeting=future)
    rpiw_services.decide_metric_change(change, user=executive, approve=True, meeting=held[-1])
    dates = list(metric.versions.order_by("number").values_list("effective_from", flat=True))
    assert dates == [D(2015, 1, 5), D(2016, 1, 5)]


# --- Item 7: the Impact page's ITS summaries ----------------------------------------------


def _its_result(level, level_p, slope, slope_p, unit="%", direction="lower"):
    def term(estimate, p):
        return {"estimate": estimate, "p_value": p}

    return {
        "measure": {"name": "Staff turnover", "unit": unit, "direction": direction},
        "intervention": "2015-07",
        "own": {
            "coefficients": {
                "level_change": term(level, level_p),
                "slope_change": term(slope, slope_p),
            },
            "summary_text": "From July 2015 the level changed by +0.00 (95% CI …",
        },
    }


def test_an_its_summary_is_a_whole_plain_sentence_with_a_verdict():
    from impact.templatetags.impact_format import its_verdict

    text = its_verdict(_its_result(-0.052471957, 0.1467, -0.0054, 8.5e-7))
    assert text == (
        "From July 2015, the level fell by 0.052 percentage points (could be chance, p = .147); "
        "the trend fell by 0.065 percentage points a year (p < .001). Verdict: improving."
    )
    assert "…" not in text and "+0.00" not in text
    worse = its_verdict(_its_result(0.8, 0.01, 0.0, 0.9, unit="% recommend", direction="lower"))
    assert worse.endswith("Verdict: worsening.")
    flat = its_verdict(_its_result(0.01, 0.8, 0.0001, 0.6))
    assert flat.endswith("Verdict: no clear change.")


def test_the_impact_page_shows_the_verdict_not_a_truncated_summary(client, regulator_user):
    from vmi_programme.models import Job

    html = render_to_string(
        "impact/index.html",
        {
            "sees_trust_data": True,  # a trust's staff or the regulator (not the CI partner)
            "latest": {
                "staff_turnover": [
                    Job(pk=1, result=_its_result(-0.05, 0.15, -0.005, 1e-6), status="succeeded")
                ]
            },
        },
    )
    assert "Verdict: improving." in html
    assert "+0.00 (95% CI" not in html and "…" not in html


# --- Item 7: modules passed out of order ----------------------------------------------------


def test_a_module_passed_before_the_earlier_ones_is_recorded_with_a_warning(
    client, kpo_user, trust
):
    from factories import PersonFactory
    from training.models import Assessment, Cohort, Enrolment, Module, Programme

    l4l = Programme.objects.create(
        code="L4L-T", name="Lean for Leaders", assessment_method="homework"
    )
    modules = [Module.objects.create(programme=l4l, number=n, title=f"M{n}") for n in range(1, 7)]
    cohort = Cohort.objects.create(
        programme=l4l, organisation=trust, name="L4L cohort 1", starts_on=D(2016, 1, 4)
    )
    ann = PersonFactory(organisation=trust, full_name="Ann Lee")
    enrolment = Enrolment.objects.create(person=ann, cohort=cohort, enrolled_on=D(2016, 1, 4))
    client.force_login(kpo_user)
    response = client.post(
        f"/training/cohorts/{cohort.pk}/assessments/",
        {
            "assessed_on": "2016-03-01",
            f"cell-{enrolment.pk}-{modules[0].pk}": "pass",
            f"cell-{enrolment.pk}-{modules[5].pk}": "pass",
        },
        follow=True,
    )
    assert response.status_code == 200
    assert Assessment.objects.filter(enrolment=enrolment, result="pass").count() == 2
    page = response.content.decode()
    assert "Ann Lee passed module 6 before modules 2–5." in page
    assert "passed module 1 before" not in page


# --- Item 7: mixed numeric precision ---------------------------------------------------------


def test_a_figure_is_written_without_trailing_zeros_so_a_column_never_reads_5_beside_3_80():
    from vmi_programme.templatetags.vmi_numbers import as_written

    assert [as_written(v) for v in (Decimal("5"), Decimal("3.80"), 3.8, Decimal("12.250"))] == [
        "5",
        "3.8",
        "3.8",
        "12.25",
    ]
    assert as_written(Decimal("2.345")) == "2.35" and as_written(2.344) == "2.34"
    assert as_written(Decimal("0.25"), 4) == "0.25" and as_written(612.0, 4) == "612"
    assert as_written(Decimal("-0.001")) == "0" and as_written(Decimal("1E+3")) == "1000"
    assert as_written(None) == "" and as_written("") == "" and as_written("n/a") == "n/a"


def test_no_template_pads_a_figure_with_floatformat_to_trailing_zeros():
    """floatformat:"-2" prints 5 as "5" but 3.8 as "3.80": the mixed precision issue 17 names.
    Figures go through as_written (vmi_numbers) instead."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    faults = []
    templates = [*root.glob("templates/**/*.html"), *root.glob("*/templates/**/*.html")]
    for template in templates:
        if ".venv" in template.parts:
            continue
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            if re.search(r"floatformat:\"?-", line):
                faults.append(f"{template.relative_to(root)}:{number}")
    assert not faults, "\n".join(faults)


def test_a_production_board_and_a_metric_history_show_5_and_3_8_not_3_80(client, kpo_user, trust):
    from governance.models import BoardMeasure, BoardValue, ProductionBoard, Team

    team = Team.objects.create(organisation=trust, name="Ward 7")
    board = ProductionBoard.objects.create(team=team, title="Ward 7 board")
    measure = BoardMeasure.objects.create(board=board, name="Falls", target=Decimal("5"))
    BoardValue.objects.create(measure=measure, recorded_on=D(2019, 1, 7), value=Decimal("3.80"))
    stream = _lead_time_metric(trust, ["40.50", "5.00"])
    metric = stream.metrics.get()
    client.force_login(kpo_user)
    pages = {
        "board": client.get(f"/daily-work/boards/{board.pk}/").content.decode(),
        "team": client.get(f"/daily-work/teams/{team.pk}/").content.decode(),
        "metric": client.get(f"/rpiw/metrics/{metric.pk}/").content.decode(),
        "stream": client.get(f"/rpiw/value-streams/{stream.pk}/").content.decode(),
    }
    assert ">5<" in pages["board"] and "3.8 (7 Jan 2019)" in pages["board"]
    assert "target 5 " in pages["team"]
    assert ">40.5<" in pages["metric"] and ">5<" in pages["metric"] and ">24<" in pages["metric"]
    for name, html in pages.items():
        for padded in ("3.80", "40.50", "5.00", "24.00"):
            assert padded not in html, f"{name} prints {padded}"
