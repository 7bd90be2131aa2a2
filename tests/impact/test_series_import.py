"""Importing organisational series: NHS layouts, suppressed cells, row errors, all or nothing."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from impact.imports import parse_month, parse_number
from impact.models import SeriesValue
from vmi_programme import imports as pipeline
from vmi_programme.models import ImportStatus

DATA = Path(__file__).resolve().parent.parent / "data"
# The real NHS England file shipped with the repository (data/README.md says where it is from).
AE_FILE = Path(__file__).resolve().parents[2] / "data" / "ae_attendances.csv"


def upload(text: str | bytes, name: str = "series.csv"):
    handle = io.BytesIO(text.encode("utf-8-sig") if isinstance(text, str) else text)
    handle.name = name
    return handle


def preview(spec_name, content, user, name="series.csv", **options):
    return pipeline.preview(pipeline.get_spec(spec_name), upload(content, name), user, **options)


def test_suppressed_cells_are_missing_not_zero_and_percent_strings_are_read(
    measures, trust, admin_user
):
    content = (
        "Banner: A&E Friends and Family Test\n\n"
        "Org code,Period,Percentage,Measure\n"
        "RTP,2015-07,94.80%,fft_ae_recommend\n"
        "RTP,2015-08,*,fft_ae_recommend\n"
        "RTP,01/09/2015,-,fft_ae_recommend\n"
    )
    result = preview("impact.series", content, admin_user)
    assert result.is_valid, result.errors
    pipeline.commit(result.batch, admin_user)
    values = dict(SeriesValue.objects.values_list("period", "value"))
    assert values == {
        dt.date(2015, 7, 1): pytest.approx(94.8),
        dt.date(2015, 8, 1): None,
        dt.date(2015, 9, 1): None,
    }


def test_zero_to_one_decimals_of_a_percent_measure_are_read_as_fractions(
    measures, trust, admin_user
):
    content = "org_code,period,value\nRTP,2015-07,0.948\nRTP,2015-08,0.9\n"
    result = preview("impact.series", content, admin_user, measure="fft_ae_recommend")
    pipeline.commit(result.batch, admin_user)
    assert sorted(SeriesValue.objects.values_list("value", flat=True)) == [
        pytest.approx(90.0),
        pytest.approx(94.8),
    ]


def test_unknown_organisation_and_non_numeric_cells_are_row_errors_and_nothing_is_written(
    measures, trust, admin_user
):
    content = (
        "org_code,period,value\n"
        "RTP,2015-07,94.1\n"
        "XXX9,2015-07,90\n"
        "RTP,2015-13,90\n"
        "RTP,2015-09,ninety\n"
    )
    result = preview("impact.series", content, admin_user, measure="fft_ae_recommend")
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert "'XXX9' is not a known organisation code" in messages[(3, "org_code")]
    assert "is not a month" in messages[(4, "period")]
    assert "'ninety' is not a number" in messages[(5, "value")]
    with pytest.raises(pipeline.ImportFailed):
        pipeline.commit(result.batch, admin_user)
    assert not SeriesValue.objects.exists()
    result.batch.refresh_from_db()
    assert result.batch.status == ImportStatus.FAILED


def test_turnover_is_computed_from_leavers_and_mean_headcount(measures, trust, admin_user):
    content = "org_code,period,leavers,mean headcount\nRTP,2015-07,55,5500\nRTP,2015-08,*,*\n"
    result = preview("impact.series", content, admin_user, measure="staff_turnover")
    assert result.is_valid, result.errors
    pipeline.commit(result.batch, admin_user)
    july = SeriesValue.objects.get(period=dt.date(2015, 7, 1))
    assert (july.numerator, july.denominator, july.value) == (55, 5500, pytest.approx(1.0))
    assert SeriesValue.objects.get(period=dt.date(2015, 8, 1)).value is None


def test_a_month_twice_in_one_file_is_an_error(measures, trust, admin_user):
    content = "org_code,period,value\nRTP,2015-07,90\nRTP,2015-07-01,91\n"
    result = preview("impact.series", content, admin_user, measure="fft_ae_recommend")
    assert [str(e) for e in result.errors] == [
        "Row 3, column 'period': the same month also appears in row 2"
    ]


def test_a_kpo_facilitator_cannot_import_another_trusts_series(
    measures, trust, other_trust, kpo_user
):
    content = "org_code,period,value\nRTP,2015-07,90\nRR8,2015-07,91\n"
    result = preview("impact.series", content, kpo_user, measure="fft_ae_recommend")
    assert [(e.row, e.message) for e in result.errors] == [
        (3, "you may not change the series of LTHT")
    ]


def test_fft_recommend_and_positive_are_separate_measures(measures):
    recommend, positive = measures["fft_ae_recommend"], measures["fft_ae_positive"]
    assert recommend.pk != positive.pk
    assert recommend.valid_to < positive.valid_from


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2015-07", dt.date(2015, 7, 1)),
        ("2015-07-01", dt.date(2015, 7, 1)),
        ("15/07/2015", dt.date(2015, 7, 1)),
        ("Jul-15", dt.date(2015, 7, 1)),
        ("July 2015", dt.date(2015, 7, 1)),
        ("2015-07-01 00:00:00", dt.date(2015, 7, 1)),
        ("2015-13", None),
        ("soon", None),
    ],
)
def test_months_are_read_from_the_layouts_nhs_files_use(text, month):
    assert parse_month(text) == month


def test_numbers_accept_thousands_separators_and_suppression_marks():
    assert parse_number("1,234") == (1234.0, None)
    assert parse_number("*") == (None, None)
    assert parse_number("..") == (None, None)
    assert parse_number("n/a") == (None, None)
    assert parse_number("nan")[1] is not None


def test_the_ae_file_gives_type_1_four_hour_performance_and_attendances(measures, admin_user):
    from factories import OrganisationFactory
    from vmi_programme.models import OrganisationKind

    for code in ("RTP", "RF4", "R1H"):
        OrganisationFactory(short_name=code, ods_code=code, kind=OrganisationKind.PEER_TRUST)
    content = (DATA / "ae_attendances_subset.csv").read_bytes()
    result = preview("impact.ae_attendances", content, admin_user, name="ae.csv")
    assert result.is_valid, result.errors[:3]
    summary = pipeline.commit(result.batch, admin_user)
    assert summary["organisations"] == 3
    assert summary["type 1 months"] == 3 * 15  # January 2018 – March 2019
    march = SeriesValue.objects.get(
        measure__code="ae_4h_type1", organisation__ods_code="RF4", period=dt.date(2018, 3, 1)
    )
    assert march.value == pytest.approx(100 * (1 - 6495 / 21452))
    assert march.denominator == 21452
    attendances = SeriesValue.objects.get(
        measure__code="ae_attendances_type1",
        organisation__ods_code="RF4",
        period=dt.date(2018, 3, 1),
    )
    assert attendances.value == 21452


def test_an_ae_row_with_breaches_above_attendances_stops_the_whole_file(measures, admin_user):
    from factories import OrganisationFactory

    OrganisationFactory(short_name="RTP", ods_code="RTP")
    content = (
        "period,org_code,type,attendances,breaches,admissions\n"
        "2018-01-01,RTP,1,100,10,5\n"
        "2018-02-01,RTP,1,100,120,5\n"
        "2018-02-01,ZZZ,2,100,1,0\n"  # other types of unknown providers are skipped, not errors
    )
    result = preview("impact.ae_attendances", content, admin_user, name="ae.csv")
    assert [str(e) for e in result.errors] == [
        "Row 3, column 'breaches': cannot be more than attendances"
    ]
    with pytest.raises(pipeline.ImportFailed):
        pipeline.commit(result.batch, admin_user)
    assert not SeriesValue.objects.exists()


def test_the_whole_published_ae_file_imports(measures, admin_user):
    import csv

    from factories import OrganisationFactory
    from vmi_programme.models import OrganisationKind

    with open(AE_FILE, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    type1 = {r["org_code"] for r in rows if r["type"] == "1"}
    for code in sorted(type1):
        OrganisationFactory(short_name=code, ods_code=code, kind=OrganisationKind.PEER_TRUST)
    result = preview("impact.ae_attendances", AE_FILE.read_bytes(), admin_user, name="ae.csv")
    assert result.is_valid, result.errors[:3]
    summary = pipeline.commit(result.batch, admin_user)
    assert summary["organisations"] == len(type1)
    assert summary["type 1 months"] == sum(1 for r in rows if r["type"] == "1")
